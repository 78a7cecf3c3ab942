// SPDX-License-Identifier: Apache-2.0
//
// physec_rx: the whole receive chain in RTL (spec 10), raw line words in, client 66b
// blocks out.  This module = the model's physec.frame.deframe(p, bits, SecRx(keys,
// link_id, policy, require_security)) -> physec.xcode257.detranscode_257b, bit for bit in
// its blocks, per-frame results and counters (RxCounters, SecCounters), for both
// policies (cfg_cut_through: 0 = STORE_AND_FORWARD, the reset default; 1 = CUT_THROUGH):
//
//   line --> physec_aligner --> physec_sec_rx --> physec_sec_rxbuf --> physec_gmp_demap --> physec_dexcode_257b
//            (AM search, lock,   (PAD checks,      (release gate,      (OH, JC, slots,      (257b -> 4 x 66b,
//             frame words)        decrypt, 1 clk)   frame buffer)       drop, error blocks)  1 clock)
//              |  fw_am_good, ev_loss, vw_*  ^ (1 clock, then with the words through the buffer)
//              +-----------------------------+
//
// Release (spec 6.4, 10): physec_sec_rxbuf holds each frame's payload until its release
// is decided: store-and-forward, its verdict (the next PAD, a loss of lock, finish);
// cut-through, its arrival checks.  A usable frame that is not released leaves as
// ERROR_257B blocks at its data slots instead of its content (deframe: not delivered).
// In store-and-forward nothing that failed verification leaves as valid client data.
//
// Cm' trust (spec 4.4 rule 3, 10): the demapper applies a frame's relative JC only if the
// previous processed frame was demapped and verified: vd_pass (its verdict, with this
// frame's fs_valid) or, for a frame with no pending verdict, a verdict final on arrival
// that releases it (bypass allowed).  physec_sec_rxbuf records it per frame at fs_valid
// and lets word 4 (after which the demapper decodes the JC) go on only after it.
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
//   cfg_cut_through  the policy (RX_POLICY): 0 store-and-forward, 1 cut-through; sampled
//                 per frame at its arrival checks.
//   cfg_link_id[31:0], require_security, key_we, key_an[1:0], key[255:0], key_len,
//   salt[95:0], erase, erase_an  as physec_sec_rx (SecRx link_id, require_security,
//                 install, erase).
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
//                 fr_key_changed, fr_pending; fr_release: released under the frame's
//                 policy (store-and-forward: its verdict passed, or bypass allowed;
//                 RxFrameSec.released); fr_delivered = fr_usable && fr_release (the
//                 frame's data left as client data: RxFrameStatus.delivered).  In
//                 store-and-forward the record comes one frame later than in cut-through.
//   vd_valid      one clock, the final verdict of an accepted frame (physec_sec_rx vd_*:
//                 vd_pass, vd_tag_lost, vd_tag_mismatch, vd_key_changed, vd_an,
//                 vd_pn[63:0]); with the next frame's security results, or after finish
//                 or a loss of lock.
//   locked        the aligner is locked.
//   cnt_*         32-bit, wrapping.  The frame stage (RxCounters, as physec_frame_rx):
//                 cnt_frames, cnt_am_bad, cnt_oh_crc_errors, cnt_jc_crc_errors,
//                 cnt_jc_pattern_errors, cnt_unusable_frames, cnt_lock_losses, cnt_locks,
//                 cnt_lost_frames, cnt_error_blocks (unusable, lost and dropped frames'
//                 ERROR_257B), cnt_sec_dropped (usable frames not released).  The security
//                 stage (SecCounters): cnt_sec_frames, cnt_sec_passed, cnt_sec_failed,
//                 cnt_sec_bypass, cnt_sec_tag_failures, cnt_sec_tags_lost, cnt_sec_replays,
//                 cnt_sec_unknown_an, cnt_sec_pad_errors, cnt_sec_pn_unpredicted,
//                 cnt_sec_key_switches, cnt_sec_key_changed.  Lost frames are counted as
//                 their ticks pass (physec_frame_rx).
//   err_ks        physec_sec_rx's sticky keystream error (a design or usage error).
//   err_buf       physec_sec_rxbuf lost a beat to a full buffer (sticky; a design error).
//
// Latency (no pauses; frame word k = frame bits [256k, 256k + 255], at the line's bit
// offset): a 257b slot's 66b blocks leave LATENCY clocks after the line word that
// completes the frame word holding the slot's last bit: aligner 6, security stage 7
// (decrypt 1, 6 for the tag deadline), buffer 3 (FIFO 2 + its output register), demapper
// 4, de-transcoder 1 = 21 in cut-through; store-and-forward adds the wait for the
// verdict, which comes 9 clocks after the next frame's word 3 entered the security stage
// (tb/physec_rx measures both).
//
// Geometry: the 100g profile of physec_profile_pkg only (256-bit words: one slot ends
// per word at most; physec_sec_rx supports no other).

`default_nettype none

// The receive chain top; stands alone in a lint run over all of rtl/.
/* verilator lint_off MULTITOP */
module physec_rx #(
  parameter int KS_DEPTH = 32,     // physec_sec_rx keystream FIFO entries
  parameter int RPR      = 1,      // AES registers per round
  parameter int NCAND    = 4,      // AM search candidates (physec_aligner)
  parameter int BUF_DEPTH = 4096   // physec_sec_rxbuf entries (>= frame words + 64)
) (
  input  wire logic            clk,
  input  wire logic            rst,
  input  wire logic            line_valid,
  input  wire logic [255:0]    line_word,
  output logic                 client_valid,
  output logic [4*66-1:0]      client_blocks,
  output logic                 client_err,
  input  wire logic            cfg_cut_through,
  input  wire logic [31:0]     cfg_link_id,
  input  wire logic            require_security,
  input  wire logic            key_we,
  input  wire logic [1:0]      key_an,
  input  wire logic [255:0]    key,
  input  wire logic            key_len,
  input  wire logic [95:0]     salt,
  input  wire logic            erase,
  input  wire logic [1:0]      erase_an,
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
  output logic                 fr_key_changed,
  output logic                 fr_pending,
  output logic                 fr_release,
  output logic                 fr_delivered,
  output logic                 vd_valid,
  output logic                 vd_pass,
  output logic                 vd_tag_lost,
  output logic                 vd_tag_mismatch,
  output logic                 vd_key_changed,
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
  output logic [31:0]          cnt_sec_key_changed,
  output logic                 err_ks,
  output logic                 err_buf
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
  logic         fs_pn_unpredicted, fs_key_changed, fs_pending, fs_release;
  logic [1:0]   fs_an, fs_mode;
  logic [63:0]  fs_pn;

  // A loss of lock ends the pending verdict (spec 6.4).
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
    .erase             (erase),
    .erase_an          (erase_an),
    .finish            (finish),
    .lost              (ev_loss),
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
    .fs_key_changed    (fs_key_changed),
    .fs_pending        (fs_pending),
    .fs_release        (fs_release),
    .vd_valid          (vd_valid),
    .vd_pass           (vd_pass),
    .vd_tag_lost       (vd_tag_lost),
    .vd_tag_mismatch   (vd_tag_mismatch),
    .vd_key_changed    (vd_key_changed),
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
    .cnt_key_changed   (cnt_sec_key_changed),
    .err_ks            (err_ks)
  );

  // The aligner's side lanes, delayed by the security stage's latency (SEC_LAT = 7
  // clocks: physec_sec_rx's out = in + 7).
  localparam int SEC_LAT = 7;
  logic            d_am_good, d_loss, d_vvalid;
  logic [IDXW-1:0] d_vidx;
  logic [LIMW-1:0] d_vlim;
  logic [SEC_LAT-1:0]           sd_am_good, sd_loss, sd_vvalid;
  logic [SEC_LAT-1:0][IDXW-1:0] sd_vidx;
  logic [SEC_LAT-1:0][LIMW-1:0] sd_vlim;

  always_ff @(posedge clk) begin
    if (rst) begin
      sd_loss   <= '0;
      sd_vvalid <= '0;
    end else begin
      sd_loss   <= {sd_loss[SEC_LAT-2:0], ev_loss};
      sd_vvalid <= {sd_vvalid[SEC_LAT-2:0], vw_valid};
    end
    sd_am_good <= {sd_am_good[SEC_LAT-2:0], fw_am_good};
    sd_vidx    <= {sd_vidx[SEC_LAT-2:0], vw_idx};
    sd_vlim    <= {sd_vlim[SEC_LAT-2:0], vw_lim};
  end
  assign d_loss    = sd_loss[SEC_LAT-1];
  assign d_vvalid  = sd_vvalid[SEC_LAT-1];
  assign d_am_good = sd_am_good[SEC_LAT-1];
  assign d_vidx    = sd_vidx[SEC_LAT-1];
  assign d_vlim    = sd_vlim[SEC_LAT-1];
  wire logic unused_idx = &{1'b0, fw_idx};

  // ---- Release gate and store-and-forward buffer: every beat with a frame word, a
  // virtual word or the loss event, in order; the arrival record travels with its frame.
  localparam int SIDE_W = 3 + IDXW + LIMW;        // {am_good, loss, vvalid, vidx, vlim}
  localparam int FS_W   = 2 + 64 + 2 + 8;         // {an, pn, mode, 7 reasons, pending}
  logic                 b_fw, b_valid_any, b_sof;
  logic [IDXW-1:0]      b_idx;
  logic [255:0]         b_word;
  logic [SIDE_W-1:0]    b_side;
  logic                 b_unverified, b_drop, b_release;
  logic [FS_W-1:0]      b_rec;
  logic [$clog2(BUF_DEPTH + 3)-1:0] unused_level;

  physec_sec_rxbuf #(
    .SIDE_W(SIDE_W),
    .FS_W  (FS_W),
    .DEPTH (BUF_DEPTH)
  ) u_buf (
    .clk           (clk),
    .rst           (rst),
    .cut_through   (cfg_cut_through),
    .in_valid      (s_valid || d_vvalid || d_loss),
    .in_fw         (s_valid),
    .in_sof        (s_sof),
    .in_word       (s_word),
    .in_side       ({d_am_good, d_loss, d_vvalid, d_vidx, d_vlim}),
    .fs_valid      (fs_valid),
    .fs_rec        ({fs_an, fs_pn, fs_mode, fs_pad_invalid, fs_bypass, fs_bypass_refused, fs_unknown_an,
                     fs_replay, fs_pn_unpredicted, fs_key_changed, fs_pending}),
    .fs_pending    (fs_pending),
    .fs_release    (fs_release),
    .vd_valid      (vd_valid),
    .vd_pass       (vd_pass),
    .out_valid     (b_valid_any),
    .out_fw        (b_fw),
    .out_sof       (b_sof),
    .out_idx       (b_idx),
    .out_word      (b_word),
    .out_side      (b_side),
    .out_unverified(b_unverified),
    .out_drop      (b_drop),
    .out_release   (b_release),
    .out_rec       (b_rec),
    .level         (unused_level),
    .err_ovf       (err_buf)
  );
  wire logic unused_buf = &{1'b0, b_valid_any, b_sof};

  wire logic            g_am_good = b_side[SIDE_W-1];
  wire logic            g_loss    = b_valid_any && b_side[SIDE_W-2];
  wire logic            g_vvalid  = b_valid_any && b_side[SIDE_W-3];
  wire logic [IDXW-1:0] g_vidx    = b_side[LIMW +: IDXW];
  wire logic [LIMW-1:0] g_vlim    = b_side[LIMW-1:0];

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
    .in_valid    (b_fw),
    .in_word     (b_word),
    .in_idx      (b_idx),
    .in_am_good  (g_am_good),
    .in_loss     (g_loss),
    .in_drop     (b_drop),
    .in_unverified(b_unverified),
    .vin_valid   (g_vvalid),
    .vin_idx     (g_vidx),
    .vin_lim     (g_vlim),
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

  // ---- Per-frame record: the demapper's status with the buffer's record of the same
  // frame (held from its word 4 on; st_valid follows its JC decode).
  always_ff @(posedge clk) begin
    if (rst) fr_valid <= 1'b0;
    else     fr_valid <= st_valid;
    if (st_valid) begin
      fr_am_good   <= st_am_good;
      fr_oh_crc_ok <= st_oh_crc_ok;
      fr_jc_crc_ok <= st_jc_crc_ok;
      fr_jc_kind   <= st_jc_kind;
      fr_usable    <= st_usable;
      fr_cm        <= st_cm;
      fr_mfas      <= st_mfas;
      fr_stat      <= st_stat;
      {fr_an, fr_pn, fr_mode, fr_pad_invalid, fr_bypass, fr_bypass_refused, fr_unknown_an, fr_replay,
       fr_pn_unpredicted, fr_key_changed, fr_pending} <= b_rec;
      fr_release   <= b_release;
      fr_delivered <= st_usable && b_release;
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
    else     cnt_sec_dropped <= cnt_sec_dropped + 32'(st_valid && st_usable && !b_release);
  end

endmodule

`default_nettype wire
