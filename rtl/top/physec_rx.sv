// SPDX-License-Identifier: Apache-2.0
//
// physec_rx: the whole receive chain in RTL (spec 10), raw line words in, client 66b
// blocks out.  This module = the model's physec.frame.deframe(p, bits, SecRx(keys,
// link_id, policy=CUT_THROUGH, require_security)) -> physec.xcode257.detranscode_257b,
// bit for bit in its blocks, per-frame results and counters (RxCounters, SecCounters):
//
//   line --> physec_aligner --> physec_sec_rx --> physec_gmp_demap --> physec_dexcode_257b --> client
//            (AM search, lock,   (PAD checks,      (OH, JC, slots,      (257b -> 4 x 66b,
//             frame words)        decrypt, 1 clk)   drop, error blocks)  1 clock)
//              |  fw_idx, fw_am_good, ev_loss, vw_*  ^
//              +-------------- 1 clock --------------+   (in step with the security stage)
//
// Drop rule (cut-through, spec 10): a frame the security stage does not release
// (physec_sec_rx fs_release = 0: PAD invalid, bypass refused, unknown AN, replay, PN not
// predicted) leaves as ERROR_257B blocks at its data slots instead of its content, as
// many as it has data slots (deframe: RxFrameStatus.delivered = usable and released).  A
// frame that fails only later (tag mismatch, tag lost) has left already: its verdict
// comes with the next frame's PAD (vd_*).
//
// Cm' trust (spec 4.4 rule 3, 10): the demapper applies a frame's relative JC only if the
// previous processed frame was demapped and verified: vd_pass (its verdict, with this
// frame's fs_valid) or, for a frame with no pending verdict, a verdict final on arrival
// that releases it (bypass allowed).  Timing: fs_valid and vd_* come 3 clocks after the
// frame's word 3 entered physec_sec_rx; the demapper decodes the JC in the clock after
// word 4 left physec_sec_rx, which is at least 3 clocks after word 3 entered it.  So the
// verdict is never later than the decode: in the same clock with no pause between words
// 3 and 4 (used combinationally, as in_drop), else earlier (held); no extra delay.  A
// simulation check asserts it.
//
// Ports (rst: synchronous, active high; clears all state, keys and counters):
//   line_valid, line_word[255:0]  the line at any bit offset, one word per valid clock,
//                 line_word[255] first transmitted.  Clocks without line_valid do not
//                 exist for the receiver.
//   client_valid, client_blocks[4*66-1:0]  four 66b blocks per valid clock, block j =
//                 client_blocks[66*j +: 66], j = 0 first in time, each tx_coded<65:0>
//                 (sync header in bits 1:0), as physec_dexcode_257b: the 66b blocks of
//                 detranscode_257b(deframe(...).blocks), in order.  No back-pressure.
//   client_err    the group was undecodable (detranscode_257b's err; four EBLOCK_R).
//                 An inserted ERROR_257B decodes to four EBLOCK_R with client_err = 0.
//   cfg_link_id[31:0], require_security, key_we, key_an[1:0], key[255:0], key_len,
//   salt[95:0]    as physec_sec_rx (SecRx link_id, require_security, install).
//   finish        end of stream (SecRx.finish, called by deframe at the end): the last
//                 frame still waiting for its verdict fails "tag lost" (vd_*, counters).
//   fr_valid      one clock per processed frame (deframe(...).frames), 3 clocks after
//                 its last header word (word 4) left the security stage, with the frame part: fr_am_good,
//                 fr_oh_crc_ok, fr_jc_crc_ok, fr_jc_kind[3:0] (JcResult.kind, as
//                 physec_frame_rx), fr_usable, fr_cm[13:0] (RxFrameStatus.cm), fr_mfas[7:0],
//                 fr_stat[7:0]; and the security part (SecRx.frame on arrival, as
//                 physec_sec_rx fs_*): fr_an[1:0], fr_pn[63:0], fr_mode[1:0] (as received;
//                 meaningful when the PAD is valid), fr_pad_invalid, fr_bypass,
//                 fr_bypass_refused, fr_unknown_an, fr_replay, fr_pn_unpredicted,
//                 fr_pending, fr_release; fr_delivered = fr_usable && fr_release (the
//                 frame's data left as client data: RxFrameStatus.delivered).
//   vd_valid      one clock, the final verdict of an accepted frame (physec_sec_rx vd_*:
//                 vd_pass, vd_tag_lost, vd_tag_mismatch, vd_an, vd_pn[63:0]); with the
//                 next frame's security results, or after finish.
//   locked        the aligner is locked.
//   cnt_*         32-bit, wrapping.  The frame stage (RxCounters, as physec_frame_rx):
//                 cnt_frames, cnt_am_bad, cnt_oh_crc_errors, cnt_jc_crc_errors,
//                 cnt_jc_pattern_errors, cnt_unusable_frames, cnt_lock_losses, cnt_locks,
//                 cnt_lost_frames, cnt_error_blocks (unusable, lost and dropped frames'
//                 ERROR_257B), cnt_sec_dropped (usable frames not released).  The security
//                 stage (SecCounters): cnt_sec_frames, cnt_sec_passed, cnt_sec_failed,
//                 cnt_sec_bypass, cnt_sec_tag_failures, cnt_sec_tags_lost, cnt_sec_replays,
//                 cnt_sec_unknown_an, cnt_sec_pad_errors, cnt_sec_pn_unpredicted,
//                 cnt_sec_key_switches.  Lost frames are counted as their ticks pass
//                 (physec_frame_rx).
//   err_ks        physec_sec_rx's sticky keystream error (a design or usage error).
//
// Latency (LATENCY = 12 clocks, no pauses): a 257b slot's 66b blocks leave 12 clocks
// after the line word that completes the frame word holding the slot's last bit (frame
// word k = frame bits [256k, 256k + 255], at the line's bit offset; aligner 6, security
// stage 1, demapper 4, de-transcoder 1): 12 or 13 clocks after the line word holding
// the slot's last bit itself.
//
// Geometry: the 100g profile of physec_profile_pkg only (256-bit words: one slot ends
// per word at most; physec_sec_rx supports no other).

`default_nettype none

// The receive chain top; stands alone in a lint run over all of rtl/.
/* verilator lint_off MULTITOP */
module physec_rx #(
  parameter int KS_DEPTH = 32,     // physec_sec_rx keystream FIFO entries
  parameter int RPR      = 1,      // AES registers per round
  parameter int NCAND    = 4       // AM search candidates (physec_aligner)
) (
  input  wire logic            clk,
  input  wire logic            rst,
  input  wire logic            line_valid,
  input  wire logic [255:0]    line_word,
  output logic                 client_valid,
  output logic [4*66-1:0]      client_blocks,
  output logic                 client_err,
  input  wire logic [31:0]     cfg_link_id,
  input  wire logic            require_security,
  input  wire logic            key_we,
  input  wire logic [1:0]      key_an,
  input  wire logic [255:0]    key,
  input  wire logic            key_len,
  input  wire logic [95:0]     salt,
  input  wire logic            finish,
  output logic                 fr_valid,
  output logic                 fr_am_good,
  output logic                 fr_oh_crc_ok,
  output logic                 fr_jc_crc_ok,
  output logic [3:0]           fr_jc_kind,
  output logic                 fr_usable,
  output logic [13:0]          fr_cm,
  output logic [7:0]           fr_mfas,
  output logic [7:0]           fr_stat,
  output logic [1:0]           fr_an,
  output logic [63:0]          fr_pn,
  output logic [1:0]           fr_mode,
  output logic                 fr_pad_invalid,
  output logic                 fr_bypass,
  output logic                 fr_bypass_refused,
  output logic                 fr_unknown_an,
  output logic                 fr_replay,
  output logic                 fr_pn_unpredicted,
  output logic                 fr_pending,
  output logic                 fr_release,
  output logic                 fr_delivered,
  output logic                 vd_valid,
  output logic                 vd_pass,
  output logic                 vd_tag_lost,
  output logic                 vd_tag_mismatch,
  output logic [1:0]           vd_an,
  output logic [63:0]          vd_pn,
  output logic                 locked,
  output logic [31:0]          cnt_frames,
  output logic [31:0]          cnt_am_bad,
  output logic [31:0]          cnt_oh_crc_errors,
  output logic [31:0]          cnt_jc_crc_errors,
  output logic [31:0]          cnt_jc_pattern_errors,
  output logic [31:0]          cnt_unusable_frames,
  output logic [31:0]          cnt_lock_losses,
  output logic [31:0]          cnt_locks,
  output logic [31:0]          cnt_lost_frames,
  output logic [31:0]          cnt_error_blocks,
  output logic [31:0]          cnt_sec_dropped,
  output logic [31:0]          cnt_sec_frames,
  output logic [31:0]          cnt_sec_passed,
  output logic [31:0]          cnt_sec_failed,
  output logic [31:0]          cnt_sec_bypass,
  output logic [31:0]          cnt_sec_tag_failures,
  output logic [31:0]          cnt_sec_tags_lost,
  output logic [31:0]          cnt_sec_replays,
  output logic [31:0]          cnt_sec_unknown_an,
  output logic [31:0]          cnt_sec_pad_errors,
  output logic [31:0]          cnt_sec_pn_unpredicted,
  output logic [31:0]          cnt_sec_key_switches,
  output logic                 err_ks
);
/* verilator lint_on MULTITOP */

  localparam int WORD_BITS = physec_profile_pkg::WORD_BITS;
  localparam int WPF       = physec_profile_pkg::WORDS_PER_FRAME;
  localparam int IDXW      = $clog2(WPF);
  localparam int LIMW      = $clog2(WORD_BITS + 1);

  if (WORD_BITS != 256 || RPR < 1 || KS_DEPTH < 4 || NCAND < 1) begin : g_bad_params
`ifdef __ICARUS__
    initial $fatal(1, "physec_rx: needs the 100g profile (256-bit words), RPR >= 1, KS_DEPTH >= 4, NCAND >= 1");
`else
    $fatal(1, "physec_rx: needs the 100g profile (256-bit words), RPR >= 1, KS_DEPTH >= 4, NCAND >= 1");
`endif
  end

  // ---- Alignment.
  logic                 fw_valid, fw_am_good, vw_valid, ev_lock, ev_loss, ev_am_bad, lost_tick;
  logic [255:0]         fw_word;
  logic [IDXW-1:0]      fw_idx, vw_idx;
  logic [LIMW-1:0]      vw_lim;

  physec_aligner #(.NCAND(NCAND)) u_align (
    .clk       (clk),
    .rst       (rst),
    .line_valid(line_valid),
    .line_word (line_word),
    .fw_valid  (fw_valid),
    .fw_word   (fw_word),
    .fw_idx    (fw_idx),
    .fw_am_good(fw_am_good),
    .vw_valid  (vw_valid),
    .vw_idx    (vw_idx),
    .vw_lim    (vw_lim),
    .locked    (locked),
    .ev_lock   (ev_lock),
    .ev_loss   (ev_loss),
    .ev_am_bad (ev_am_bad),
    .lost_tick (lost_tick)
  );

  // ---- Security stage (1 clock).
  logic         s_valid, s_sof;
  logic [255:0] s_word;
  logic         fs_valid, fs_pad_invalid, fs_bypass, fs_bypass_refused, fs_unknown_an, fs_replay;
  logic         fs_pn_unpredicted, fs_pending, fs_release;
  logic [1:0]   fs_an, fs_mode;
  logic [63:0]  fs_pn;

  physec_sec_rx #(
    .KS_DEPTH(KS_DEPTH),
    .RPR     (RPR)
  ) u_sec (
    .clk               (clk),
    .rst               (rst),
    .cfg_link_id       (cfg_link_id),
    .require_security  (require_security),
    .key_we            (key_we),
    .key_an            (key_an),
    .key               (key),
    .key_len           (key_len),
    .salt              (salt),
    .finish            (finish),
    .in_valid          (fw_valid),
    .in_sof            (fw_valid && fw_idx == '0),
    .in_word           (fw_word),
    .out_valid         (s_valid),
    .out_sof           (s_sof),
    .out_word          (s_word),
    .fs_valid          (fs_valid),
    .fs_an             (fs_an),
    .fs_pn             (fs_pn),
    .fs_mode           (fs_mode),
    .fs_pad_invalid    (fs_pad_invalid),
    .fs_bypass         (fs_bypass),
    .fs_bypass_refused (fs_bypass_refused),
    .fs_unknown_an     (fs_unknown_an),
    .fs_replay         (fs_replay),
    .fs_pn_unpredicted (fs_pn_unpredicted),
    .fs_pending        (fs_pending),
    .fs_release        (fs_release),
    .vd_valid          (vd_valid),
    .vd_pass           (vd_pass),
    .vd_tag_lost       (vd_tag_lost),
    .vd_tag_mismatch   (vd_tag_mismatch),
    .vd_an             (vd_an),
    .vd_pn             (vd_pn),
    .cnt_frames        (cnt_sec_frames),
    .cnt_passed        (cnt_sec_passed),
    .cnt_failed        (cnt_sec_failed),
    .cnt_bypass        (cnt_sec_bypass),
    .cnt_tag_failures  (cnt_sec_tag_failures),
    .cnt_tags_lost     (cnt_sec_tags_lost),
    .cnt_replays       (cnt_sec_replays),
    .cnt_unknown_an    (cnt_sec_unknown_an),
    .cnt_pad_errors    (cnt_sec_pad_errors),
    .cnt_pn_unpredicted(cnt_sec_pn_unpredicted),
    .cnt_key_switches  (cnt_sec_key_switches),
    .err_ks            (err_ks)
  );
  wire logic unused_sof = s_sof;

  // The aligner's side lanes, delayed by the security stage's latency (1 clock).
  logic            d_am_good, d_loss, d_vvalid;
  logic [IDXW-1:0] d_idx, d_vidx;
  logic [LIMW-1:0] d_vlim;

  always_ff @(posedge clk) begin
    if (rst) begin
      d_loss   <= 1'b0;
      d_vvalid <= 1'b0;
    end else begin
      d_loss   <= ev_loss;
      d_vvalid <= vw_valid;
    end
    d_idx     <= fw_idx;
    d_am_good <= fw_am_good;
    d_vidx    <= vw_idx;
    d_vlim    <= vw_lim;
  end

  // Drop: fs_valid comes 3 clocks after the frame's word 3 entered the security stage,
  // i.e. with its out word 5 (the first payload word, the demapper's in_drop sample) or,
  // after pauses, before it; hold it for that word.
  logic drop_q;
  always_ff @(posedge clk) begin
    if (rst)           drop_q <= 1'b0;
    else if (fs_valid) drop_q <= !fs_release;
  end
  wire logic drop = fs_valid ? !fs_release : drop_q;

  // Verified previous frame (the demapper's in_unverified, sampled at its JC decode): at
  // a frame's fs_valid, the previous frame's verdict is vd_pass if it was pending (vd_valid
  // in this clock), else what its own fs_* said (released without a pending verdict =
  // bypass allowed: verified; refused: not).  Held until the next fs_valid.
  logic own_ok_q, prev_ok_q;
  wire logic prev_ok_now = vd_valid ? vd_pass : own_ok_q;
  always_ff @(posedge clk) begin
    if (rst) begin
      own_ok_q  <= 1'b0;
      prev_ok_q <= 1'b0;
    end else if (fs_valid) begin
      own_ok_q  <= fs_release && !fs_pending;
      prev_ok_q <= prev_ok_now;
    end
  end
  wire logic unverified = !(fs_valid ? prev_ok_now : prev_ok_q);

  // ---- Demapper.
  logic         b_valid, b_err, st_valid, st_am_good, st_oh_crc_ok, st_jc_crc_ok, st_cnd_ok, st_usable;
  logic [256:0] b_blk;
  logic [3:0]   st_jc_kind;
  logic [9:0]   st_cnd;
  logic [13:0]  st_cm;
  logic [7:0]   st_mfas, st_stat;
  logic [physec_profile_pkg::PAD_BITS-1:0] st_pad;

  physec_gmp_demap u_demap (
    .clk         (clk),
    .rst         (rst),
    .in_valid    (s_valid),
    .in_word     (s_word),
    .in_idx      (d_idx),
    .in_am_good  (d_am_good),
    .in_loss     (d_loss),
    .in_drop     (drop),
    .in_unverified(unverified),
    .vin_valid   (d_vvalid),
    .vin_idx     (d_vidx),
    .vin_lim     (d_vlim),
    .blk_valid   (b_valid),
    .blk         (b_blk),
    .blk_err     (b_err),
    .st_valid    (st_valid),
    .st_am_good  (st_am_good),
    .st_oh_crc_ok(st_oh_crc_ok),
    .st_jc_crc_ok(st_jc_crc_ok),
    .st_jc_kind  (st_jc_kind),
    .st_cnd      (st_cnd),
    .st_cnd_ok   (st_cnd_ok),
    .st_usable   (st_usable),
    .st_cm       (st_cm),
    .st_mfas     (st_mfas),
    .st_stat     (st_stat),
    .st_pad      (st_pad)
  );
  wire logic unused_st = &{1'b0, st_cnd, st_cnd_ok, st_pad};

  // ---- 257b -> 66b.
  physec_dexcode_257b #(.LATENCY(1)) u_dexcode (
    .clk       (clk),
    .rst       (rst),
    .in_valid  (b_valid),
    .in_block  (b_blk),
    .out_valid (client_valid),
    .out_blocks(client_blocks),
    .out_err   (client_err)
  );

  // ---- Per-frame record: the demapper's status (st_valid comes at least one clock after
  // the same frame's fs_valid, whose fields are held here until then).
  logic        h_pad_invalid, h_bypass, h_bypass_refused, h_unknown_an, h_replay, h_pn_unpredicted;
  logic        h_pending, h_release;
  logic [1:0]  h_an, h_mode;
  logic [63:0] h_pn;

  always_ff @(posedge clk) begin
    if (fs_valid) begin
      h_an             <= fs_an;
      h_pn             <= fs_pn;
      h_mode           <= fs_mode;
      h_pad_invalid    <= fs_pad_invalid;
      h_bypass         <= fs_bypass;
      h_bypass_refused <= fs_bypass_refused;
      h_unknown_an     <= fs_unknown_an;
      h_replay         <= fs_replay;
      h_pn_unpredicted <= fs_pn_unpredicted;
      h_pending        <= fs_pending;
      h_release        <= fs_release;
    end
  end

  always_ff @(posedge clk) begin
    if (rst) fr_valid <= 1'b0;
    else     fr_valid <= st_valid;
    if (st_valid) begin
      fr_am_good        <= st_am_good;
      fr_oh_crc_ok      <= st_oh_crc_ok;
      fr_jc_crc_ok      <= st_jc_crc_ok;
      fr_jc_kind        <= st_jc_kind;
      fr_usable         <= st_usable;
      fr_cm             <= st_cm;
      fr_mfas           <= st_mfas;
      fr_stat           <= st_stat;
      fr_an             <= h_an;
      fr_pn             <= h_pn;
      fr_mode           <= h_mode;
      fr_pad_invalid    <= h_pad_invalid;
      fr_bypass         <= h_bypass;
      fr_bypass_refused <= h_bypass_refused;
      fr_unknown_an     <= h_unknown_an;
      fr_replay         <= h_replay;
      fr_pn_unpredicted <= h_pn_unpredicted;
      fr_pending        <= h_pending;
      fr_release        <= h_release;
      fr_delivered      <= st_usable && h_release;
    end
  end

  // ---- Frame-stage counters (model RxCounters), and the usable frames the security stage
  // did not release (RxCounters.sec_dropped).
  physec_rx_counters u_cnt (
    .clk, .rst, .st_valid, .st_oh_crc_ok, .st_jc_crc_ok, .st_jc_kind, .st_usable,
    .ev_am_bad, .ev_loss, .ev_lock, .lost_tick, .err_block(b_valid && b_err),
    .cnt_frames, .cnt_am_bad, .cnt_oh_crc_errors, .cnt_jc_crc_errors, .cnt_jc_pattern_errors,
    .cnt_unusable_frames, .cnt_lock_losses, .cnt_locks, .cnt_lost_frames, .cnt_error_blocks
  );

  always_ff @(posedge clk) begin
    if (rst) cnt_sec_dropped <= '0;
    else     cnt_sec_dropped <= cnt_sec_dropped + 32'(st_valid && st_usable && !h_release);
  end

`ifndef SYNTHESIS
  // The timing argument above: a frame's fs_valid (its PAD's verdicts) comes no later than
  // the clock in which the demapper decodes its JC, the clock before st_valid.
  logic fs_seen_q;
  always @(posedge clk) begin
    if (rst)           fs_seen_q <= 1'b0;
    else if (fs_valid) fs_seen_q <= 1'b1;
    else if (st_valid) fs_seen_q <= 1'b0;
    if (!rst && st_valid && !fs_seen_q)
      $error("physec_rx: a frame's JC was decoded before its PAD's verdicts (in_unverified stale)");
  end
`endif

endmodule

`default_nettype wire
