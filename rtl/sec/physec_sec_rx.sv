// SPDX-License-Identifier: Apache-2.0
//
// physec_sec_rx: the receive side of the security stage (spec 6.4), between the frame
// aligner (physec_aligner, frame-aligned words) and the GMP demapper, cut-through
// policy.  This module = the model's physec.sec.SecRx(policy=CUT_THROUGH) bit for bit
// in its per-frame results and counters (SecRx.frame per PAD, SecRx.finish at
// `finish`).
//
//   in --> [XOR keystream if mode 2] --> delay (6) --> out            (7 clocks)
//    |                ^ physec_sec_ksgen: keystream of the predicted (AN, PN), run ahead
//    +--> PAD: CRC-32, fields --> checks, verdicts, counters, prediction --> next job
//    +--> GHASH (AAD, C or payload, len) --> expected tag, compared with the next PAD
//
// Ports (rst: synchronous, active high; clears all state, keys and counters):
//   in_valid, in_sof, in_word[255:0]  frame-aligned line words: word k of a frame =
//                 frame bits [256k, 256k + 255], the first of them in in_word[255];
//                 in_sof on word 0.  Frames must be whole (2570 valid words from one
//                 in_sof to the next, the aligner's contract); pauses are allowed.  The
//                 first in_sof at least 24 clocks after reset at RPR 1, 33 at RPR 2 (the
//                 keystream entry 0 of the first frame's job is readable then; formal
//                 ks_underflow proves RPR 1 from 24 on, RPR 2 is not proven and underflows
//                 from 24; the aligner needs two frames to lock anyway).
//   out_valid, out_sof, out_word[255:0]  the same words 7 clocks later: header words
//                 unchanged, payload words 5..2569 decrypted (XOR with the keystream of
//                 the predicted parameters) when the PAD's mode byte is 2, else unchanged.
//                 The payload of a frame that is not released (fs_release = 0) is
//                 undefined (decrypted with a keystream for other parameters, or raw):
//                 the next stage must drop it (in the model it is the raw payload).
//   cfg_link_id[31:0]  link ID of the IV; require_security: 1 = a bypass frame fails
//                 ("bypass not allowed"), the model's require_security.
//   key_we, key_an, key, key_len, salt  key install, as physec_sec_tx (SecRx.install:
//                 also forgets the AN's last accepted PN).  Install a key at least a
//                 frame before the frames that use it: each frame's keystream job is
//                 prepared a frame ahead and bound to its AN's key as it is then (below).
//   erase, erase_an  SecRx.erase: clear the AN's key slot (key, salt to 0); when the
//                 keystream path holds that AN's material, clear the path (below).
//   lost          loss of lock (SecRx.lost, one clock, physec_aligner ev_loss): the frame
//                 waiting for its verdict fails with "tag lost" (vd_* strobe, counters).
//   finish        end of stream (SecRx.finish): a frame still waiting for its verdict
//                 fails with "tag lost" (vd_* strobe, counters).
//   fs_valid      one clock per frame, 9 clocks after its word 3 (with no pauses: with
//                 out word 5, the first payload word), the results of SecRx.frame step 2:
//                 fs_an, fs_pn (PAD fields as received), fs_mode (PAD byte 1, low bits),
//                 fs_pad_invalid, fs_bypass (mode 0: the model's verdict "bypass"),
//                 fs_bypass_refused, fs_unknown_an, fs_replay, fs_pn_unpredicted,
//                 fs_key_changed (the failure reasons on arrival: at most one,
//                 fs_bypass_refused comes with fs_bypass), fs_pending (accepted: verdict
//                 with the next PAD),
//                 fs_release (cut-through: released = no failure on arrival; the
//                 demapper must drop the frame's data otherwise).
//   vd_valid      one clock, a final verdict of an accepted frame (SecRx.frame step 1, in
//                 the same clock as the next frame's fs_valid, or after finish or lost):
//                 vd_pass, vd_tag_lost, vd_tag_mismatch, vd_key_changed, vd_an, vd_pn.
//                 The TAG compare is an equality of all 128 bits (constant time is a
//                 software notion).
//   cnt_*         32-bit, wrapping: the model's SecCounters.
//   err_ks        sticky: keystream underrun or out of step (a design or usage error).
//
// Receiver order (spec 6.4), per PAD: the previous frame's verdict from this PAD's
// TAG; then this frame: PAD invalid (CRC-32, version, mode), bypass, unknown AN, replay
// (PN <= last accepted PN of the AN, after the verdict above), PN not predicted; then
// the prediction for the next frame: (AN, PN + 1) of a readable, not refused PAD; the
// previous prediction + 1 for an unreadable PAD; unchanged for a refused frame (bypass
// not allowed, unknown AN, replay); (announced AN, 1) when the next frame starts a
// multiframe ((MFAS + 1) mod 8 = 0) after a key change announcement.
//
// Keys bound to jobs (spec 6.4; the records are physec_sec_jobq).  Each keystream job
// carries {null, AN} and a stale bit from its push (after a PAD check) through the ksgen
// (taken: jr) to the frame that uses it (at its word 1, when entry 0 is popped: jc;
// entry 0's ks_tag must be the job's tag).  A write or erase of a slot marks every job record of that AN stale;
// a job taken while null or stale gets the all-zero key.  A frame that passes every
// other check fails "key changed" when its job is null, stale or of another AN: it is
// never decrypted with a keystream of another key.  Install over the AN of an accepted
// frame leaves that frame alone (its keystream, H and E_K(J0) were taken from the old
// key).  The ksgen re-expands a key after any slot change (kid_inval), so a slot written
// twice cannot look unchanged.
//
// Erase and zeroisation.  rst zeroises every register holding key material: key slots,
// ksgen key and IV, round keys, AES pipe state, keystream FIFO, GHASH's H and H^2, the
// expected tag and E_K(J0).  An erase clears its slot; if the pending frame, the frame
// being received (jc), the job taken (jr) or a queued job belongs to the erased AN, it
// also clears all of the path (ks_clr, gh_clr, tag and E_K(J0) registers) in the same
// clock and marks every job record stale: the pending frame fails "key changed" at its
// verdict (flushed_q), the frames of the cleared jobs on arrival.
//
// First frame: a frame that arrives while nothing is predicted (the first frame the
// receiver sees) cannot be decrypted at line rate: its keystream must exist before its
// first payload word and nothing told its IV.  It fails as "PN not predicted" and its
// PAD seeds the prediction, so the next frame passes (spec 6.4, as the model).
//
// Timing: word 3's clock finishes the CRC-32 (CRC registers after words 1 and 2; word 2
// folds 32 bytes in one clock, at most 256 + 32 inputs per bit); OUT_DELAY = 6 clocks
// later (the PAD registers hold until the next frame's word 1) a clock compares (TAG =
// expected tag, 128 bits; PN <= last PN of the AN, PN <= previous PN, prediction, 64/65
// bits), the next one combines and updates state.  GHASH runs on every frame with the H
// of its predicted key (h_load at word 1, from keystream entry 0); physec_ghash needs 6
// clocks for the powers of H, so its beats wait GH_DELAY = 4 clocks (a message keeps the
// powers it began with: the next frame's H may load while this frame's last beats are
// in the delay).  Frame n's last beat is formed at t + 1 (t = its word 2569), reaches
// physec_ghash at t + 5, out_valid at t + 10, the expected tag is in its register from
// t + 11 = frame n+1's word 3 (t + 4 at the earliest) + 1 + OUT_DELAY: the compare clock,
// no slack.  The words wait OUT_DELAY clocks too (a delay after the out register), so
// fs_valid stays with out word 5 and `finish` / `lost` are delayed as much, which keeps
// their order with the checks.  The data path is the FIFO head mux and one XOR into the
// first register.
// Keystream jobs: one per frame, pushed when the frame's PAD has been checked, for the
// next frame (a two-entry queue, the generator runs about KS_DEPTH entries ahead).
//
// Geometry: the 100g header (256-bit words, AM 480, PAD 480, OH 320 bits, MFAS in OH byte
// 0); any WORDS_PER_FRAME >= 8 (2570 at 100g).

`default_nettype none

module physec_sec_rx #(
  parameter int WORD_BITS       = physec_profile_pkg::WORD_BITS,
  parameter int WORDS_PER_FRAME = physec_profile_pkg::WORDS_PER_FRAME,
  parameter int AM_BITS         = physec_profile_pkg::AM_BITS,
  parameter int PAD_BITS        = physec_profile_pkg::PAD_BITS,
  parameter int OH_BITS         = physec_profile_pkg::OH_BITS,
  parameter int HEADER_WORDS    = physec_profile_pkg::HEADER_WORDS,
  parameter int MF_FRAMES       = physec_profile_pkg::MF_FRAMES,
  parameter int OH_MFAS         = physec_profile_pkg::OH_MFAS,
  parameter int KS_DEPTH        = 32,
  parameter int RPR             = 1
) (
  input  wire logic         clk,
  input  wire logic         rst,
  input  wire logic [31:0]  cfg_link_id,
  input  wire logic         require_security,
  input  wire logic         key_we,
  input  wire logic [1:0]   key_an,
  input  wire logic [255:0] key,
  input  wire logic         key_len,
  input  wire logic [95:0]  salt,
  input  wire logic         erase,
  input  wire logic [1:0]   erase_an,
  input  wire logic         finish,
  input  wire logic         lost,
  input  wire logic         in_valid,
  input  wire logic         in_sof,
  input  wire logic [255:0] in_word,
  output logic              out_valid,
  output logic              out_sof,
  output logic [255:0]      out_word,
  output logic              fs_valid,
  output logic [1:0]        fs_an,
  output logic [63:0]       fs_pn,
  output logic [1:0]        fs_mode,
  output logic              fs_pad_invalid,
  output logic              fs_bypass,
  output logic              fs_bypass_refused,
  output logic              fs_unknown_an,
  output logic              fs_replay,
  output logic              fs_pn_unpredicted,
  output logic              fs_key_changed,
  output logic              fs_pending,
  output logic              fs_release,
  output logic              vd_valid,
  output logic              vd_pass,
  output logic              vd_tag_lost,
  output logic              vd_tag_mismatch,
  output logic              vd_key_changed,
  output logic [1:0]        vd_an,
  output logic [63:0]       vd_pn,
  output logic [31:0]       cnt_frames,
  output logic [31:0]       cnt_passed,
  output logic [31:0]       cnt_failed,
  output logic [31:0]       cnt_bypass,
  output logic [31:0]       cnt_tag_failures,
  output logic [31:0]       cnt_tags_lost,
  output logic [31:0]       cnt_replays,
  output logic [31:0]       cnt_unknown_an,
  output logic [31:0]       cnt_pad_errors,
  output logic [31:0]       cnt_pn_unpredicted,
  output logic [31:0]       cnt_key_switches,
  output logic [31:0]       cnt_key_changed,
  output logic              err_ks
);

  import physec_sec_pkg::*;

  if (WORD_BITS != 256 || AM_BITS != 480 || PAD_BITS != 480 || OH_BITS != 320 ||
      HEADER_WORDS != 5 || WORDS_PER_FRAME < 8 || WORDS_PER_FRAME > 4095 || OH_MFAS != 0 ||
      MF_FRAMES < 1 || MF_FRAMES > 256) begin : g_bad_params
`ifdef __ICARUS__
    initial $fatal(1, "physec_sec_rx: only the 100g frame header is supported (8 <= WORDS_PER_FRAME < 4096)");
`else
    $fatal(1, "physec_sec_rx: only the 100g frame header is supported (8 <= WORDS_PER_FRAME < 4096)");
`endif
  end

  localparam int IW      = 12;
  localparam int GH_DELAY  = 4;   // GHASH beats after h_load + 2 (word 1 -> word 3): INSTALL - 2
  localparam int OUT_DELAY = 6;   // the tag deadline: checks and outputs this much later
  localparam logic [2:0] KID_NULL = 3'b100;       // ksgen key id / job tag of a null job
  localparam int LASTW   = WORDS_PER_FRAME - 1;
  localparam int ENTRIES = WORDS_PER_FRAME - HEADER_WORDS + 1;

  // ====================================================================== keys
  logic [3:0]       k_valid, k_fresh, k_wr_done, k_changed;
  logic [4*256-1:0] k_key;
  logic [3:0]       k_len;
  logic [4*96-1:0]  k_salt;
  logic             k_refused;

  physec_sec_keys u_keys (
    .clk       (clk),
    .rst       (rst),
    .key_we    (key_we),
    .key_an    (key_an),
    .key       (key),
    .key_len   (key_len),
    .salt      (salt),
    .erase     (erase),
    .erase_an  (erase_an),
    .wr_lock   (4'b0000),
    .consume   (4'b0000),
    .wr_refused(k_refused),
    .wr_done   (k_wr_done),
    .changed   (k_changed),
    .valid     (k_valid),
    .fresh     (k_fresh),
    .slot_key  (k_key),
    .slot_len  (k_len),
    .slot_salt (k_salt)
  );
  wire logic unused_keys = &{1'b0, k_fresh, k_refused, k_wr_done};
  logic [3:0] chg_q;                // k_changed one clock later (last accepted PN forgotten)
  always_ff @(posedge clk) chg_q <= rst ? 4'b0000 : k_changed;

  // ====================================================================== input side
  logic          beat;
  logic [IW-1:0] widx;
  logic          unused_started;
  physec_word_index #(.WORDS(WORDS_PER_FRAME), .IW(IW)) u_widx (
    .clk, .rst, .in_valid, .in_sof, .beat, .widx, .started(unused_started)
  );

  wire logic sof_beat  = beat && in_sof;
  wire logic w1_beat   = beat && widx == IW'(1);
  wire logic w2_beat   = beat && widx == IW'(2);
  wire logic w3_beat   = beat && widx == IW'(3);
  wire logic w4_beat   = beat && widx == IW'(4);
  wire logic pl_beat   = beat && widx >= IW'(HEADER_WORDS);
  wire logic last_beat = beat && widx == IW'(LASTW);

  // ====================================================================== PAD capture
  // PAD byte b is frame byte 60 + b: bytes 0..3 in word 1 [31:0], 4..35 in word 2,
  // 36..59 in word 3 [255:64]; OH byte 0 (MFAS) in word 3 [63:56].
  logic [31:0]  p1_q;            // PAD bytes 0..3
  logic [255:0] p2_q;            // PAD bytes 4..35
  logic [191:0] p3_q;            // PAD bytes 36..59
  logic [7:0]   mfas_q;
  logic [31:0]  crc1_q, crc2_q;
  localparam logic [32*CRC32_MW-1:0] CRC_W1_M = crc32_matrix(4);    // PAD bytes 0..3
  localparam logic [32*CRC32_MW-1:0] CRC_W2_M = crc32_matrix(32);   // 4..35
  localparam logic [32*CRC32_MW-1:0] CRC_W3_M = crc32_matrix(20);   // 36..55
  logic         crc_ok_q;

  always_ff @(posedge clk) begin
    if (w1_beat) begin
      p1_q   <= in_word[31:0];
      crc1_q <= crc32_apply(CRC_W1_M, CRC32_INIT, CRC32_DW'(in_word[31:0]));
    end
    if (w2_beat) begin
      p2_q   <= in_word;
      crc2_q <= crc32_apply(CRC_W2_M, crc1_q, CRC32_DW'(in_word));
    end
    if (w3_beat) begin
      p3_q     <= in_word[255:64];
      mfas_q   <= in_word[63:56];
      crc_ok_q <= (crc32_apply(CRC_W3_M, crc2_q, CRC32_DW'(in_word[255:96])) ^ CRC32_XOROUT) == in_word[95:64];
    end
  end

  wire logic [7:0]   f_ver  = p1_q[31:24];
  wire logic [7:0]   f_mode = p1_q[23:16];
  wire logic [1:0]   f_an   = p1_q[15:14];
  wire logic         f_tv   = p1_q[13];
  wire logic         f_kcp  = p1_q[12];
  wire logic [1:0]   f_nan  = p1_q[11:10];
  wire logic [63:0]  f_pn   = p2_q[255:192];
  wire logic [127:0] f_tag  = p3_q[159:32];   // PAD bytes 40..55
  wire logic unused_pad = &{1'b0, p1_q[9:0], p2_q[191:0], p3_q[191:160], p3_q[31:0]};

  // ====================================================================== state
  logic [63:0] last_pn_q [4];     // last accepted PN per AN (0: none)
  logic        pred_valid_q;
  logic [1:0]  pred_an_q;
  logic [64:0] pred_pn_q;         // 65 bits: PN + 1 of PN 2^64 - 1 is no PN
  logic        ann_valid_q;
  logic [1:0]  ann_an_q;
  logic        prev_pend_q;       // the last frame waits for its verdict
  logic [1:0]  prev_an_q;
  logic [63:0] prev_pn_q;
  logic [127:0] tag_exp_q;        // its expected tag
  logic        flushed_q;         // an erase cleared its keystream path: it fails "key changed"

  // ---- Job records (spec 6.4, keys bound to jobs): physec_sec_jobq, below.
  logic       jr_nul, jc_nul, jc_flush, jb_bad, jq_ovf;
  logic [1:0] jr_an, jc_an;
  logic [3:0] jb_held;

  // ---- Erase: does the keystream path hold material of the erased AN?
  wire logic flush = erase && ((prev_pend_q && prev_an_q == erase_an) || jb_held[erase_an]);

  // ---- Check stage 1 (the clock after word 3): compares, registered.
  logic         ck1_q, ck2_q;
  logic [OUT_DELAY-1:0] ck_d;     // word 3, delayed: check stage 1 OUT_DELAY clocks later
  logic [OUT_DELAY-1:0] end_d;    // finish / lost, delayed as much (their order with the checks)
  logic         c_ok, c_tag_eq, c_known, c_replay_old, c_replay_prev, c_pred_eq, c_job_bad;
  logic [1:0]   c_mode;
  logic [1:0]   c_an, c_nan;
  logic         c_tv, c_kcp;
  logic [63:0]  c_pn;
  logic [7:0]   c_mfas;

  always_ff @(posedge clk) begin
    if (rst) begin
      ck_d  <= '0;
      ck1_q <= 1'b0;
      ck2_q <= 1'b0;
    end else begin
      ck_d  <= {ck_d[OUT_DELAY-2:0], w3_beat};
      ck1_q <= ck_d[OUT_DELAY-1];
      ck2_q <= ck1_q;
    end
    if (ck1_q) begin
      c_ok          <= crc_ok_q && f_ver == PAD_VERSION && f_mode <= 8'd2;
      c_mode        <= f_mode[1:0];
      c_an          <= f_an;
      c_nan         <= f_nan;
      c_tv          <= f_tv;
      c_kcp         <= f_kcp;
      c_pn          <= f_pn;
      c_mfas        <= mfas_q;
      c_tag_eq      <= f_tag == tag_exp_q;
      c_known       <= k_valid[f_an];
      c_replay_old  <= f_pn <= last_pn_q[f_an];
      c_replay_prev <= prev_pend_q && prev_an_q == f_an && f_pn <= prev_pn_q;
      c_pred_eq     <= pred_valid_q && pred_an_q == f_an && pred_pn_q == {1'b0, f_pn};
      // The frame's job is not bound to its AN's current key.
      c_job_bad     <= jb_bad;
    end
  end

  // ---- Check stage 2: SecRx.frame steps 1-3.
  // Step 1: the previous frame's verdict.
  wire logic v_key  = prev_pend_q && flushed_q;
  wire logic v_lost = prev_pend_q && !v_key && (!c_ok || !c_tv);
  wire logic v_mism = prev_pend_q && !v_key && !v_lost && !c_tag_eq;
  wire logic v_pass = prev_pend_q && !v_key && !v_lost && c_tag_eq;
  // Step 2: this frame.  A passing previous frame's PN is already the last accepted
  // one of its AN when the replay check runs.
  wire logic r_pad     = !c_ok;
  wire logic r_bypass  = c_ok && c_mode == MODE_BYPASS;
  wire logic r_bp_ref  = r_bypass && require_security;
  wire logic r_unknown = c_ok && !r_bypass && !c_known;
  wire logic r_replay  = c_ok && !r_bypass && c_known && (c_replay_old || (c_replay_prev && v_pass));
  wire logic r_unpred  = c_ok && !r_bypass && c_known && !r_replay && !c_pred_eq;
  wire logic r_keychg  = c_ok && !r_bypass && c_known && !r_replay && c_pred_eq && c_job_bad;
  wire logic r_fail    = r_pad || r_bp_ref || r_unknown || r_replay || r_unpred || r_keychg;
  wire logic r_accept  = !r_fail && !r_bypass;
  // Step 3: the prediction of the next frame.
  wire logic refused   = c_ok && (r_bp_ref || r_unknown || r_replay);
  logic        n_valid, n_ann_valid, n_switch;
  logic [1:0]  n_an, n_ann_an;
  logic [64:0] n_pn;
  always_comb begin
    n_ann_valid = ann_valid_q;
    n_ann_an    = ann_an_q;
    n_valid     = pred_valid_q;
    n_an        = pred_an_q;
    n_pn        = pred_pn_q;
    n_switch    = 1'b0;
    if (c_ok && !refused) begin
      if (c_kcp) begin
        n_ann_valid = 1'b1;
        n_ann_an    = c_nan;
      end
      n_valid = 1'b1;
      n_an    = c_an;
      n_pn    = {1'b0, c_pn} + 65'd1;
    end else if (!c_ok && pred_valid_q) begin
      n_pn    = pred_pn_q + 65'd1;
    end
    if (n_valid && !refused && ((c_mfas + 8'd1) % 8'(MF_FRAMES)) == 8'd0 && n_ann_valid) begin
      n_an        = n_ann_an;
      n_pn        = 65'd1;
      n_ann_valid = 1'b0;
      n_switch    = 1'b1;
    end
  end

  // `finish` and `lost` end the pending verdict in a clock without a check stage 2.
  logic end_req_q;
  wire logic do_end = end_req_q && !ck2_q;

  always_ff @(posedge clk) begin
    if (rst) begin
      for (int a = 0; a < 4; a++) last_pn_q[a] <= '0;
      pred_valid_q       <= 1'b0;
      pred_an_q          <= '0;
      pred_pn_q          <= '0;
      ann_valid_q        <= 1'b0;
      ann_an_q           <= '0;
      prev_pend_q        <= 1'b0;
      prev_an_q          <= '0;
      prev_pn_q          <= '0;
      flushed_q          <= 1'b0;
      end_req_q          <= 1'b0;
      end_d              <= '0;
      fs_valid           <= 1'b0;
      vd_valid           <= 1'b0;
      cnt_frames         <= '0;
      cnt_passed         <= '0;
      cnt_failed         <= '0;
      cnt_bypass         <= '0;
      cnt_tag_failures   <= '0;
      cnt_tags_lost      <= '0;
      cnt_replays        <= '0;
      cnt_unknown_an     <= '0;
      cnt_pad_errors     <= '0;
      cnt_pn_unpredicted <= '0;
      cnt_key_switches   <= '0;
      cnt_key_changed    <= '0;
    end else begin
      fs_valid <= ck2_q;
      vd_valid <= (ck2_q || do_end) && prev_pend_q;
      end_d <= {end_d[OUT_DELAY-2:0], finish || lost};
      if (end_d[OUT_DELAY-1]) end_req_q <= 1'b1;
      else if (do_end)    end_req_q <= 1'b0;
      if (ck2_q) begin
        cnt_frames         <= cnt_frames + 32'd1;
        cnt_passed         <= cnt_passed + 32'(v_pass);
        cnt_failed         <= cnt_failed + 32'(v_lost || v_mism || v_key) + 32'(r_fail);
        cnt_bypass         <= cnt_bypass + 32'(r_bypass);
        cnt_tag_failures   <= cnt_tag_failures + 32'(v_mism);
        cnt_tags_lost      <= cnt_tags_lost + 32'(v_lost);
        cnt_replays        <= cnt_replays + 32'(r_replay);
        cnt_unknown_an     <= cnt_unknown_an + 32'(r_unknown);
        cnt_pad_errors     <= cnt_pad_errors + 32'(r_pad);
        cnt_pn_unpredicted <= cnt_pn_unpredicted + 32'(r_unpred);
        cnt_key_switches   <= cnt_key_switches + 32'(n_switch);
        cnt_key_changed    <= cnt_key_changed + 32'(v_key) + 32'(r_keychg);
        if (v_pass) last_pn_q[prev_an_q] <= prev_pn_q;
        prev_pend_q  <= r_accept;
        prev_an_q    <= c_an;
        prev_pn_q    <= c_pn;
        // The new pending frame's path was cleared after its check stage 1.
        flushed_q    <= flush || (r_accept && jc_flush);
        pred_valid_q <= n_valid;
        pred_an_q    <= n_an;
        pred_pn_q    <= n_pn;
        ann_valid_q  <= n_ann_valid;
        ann_an_q     <= n_ann_an;
      end else if (do_end && prev_pend_q) begin
        cnt_tags_lost   <= cnt_tags_lost + 32'(!flushed_q);
        cnt_key_changed <= cnt_key_changed + 32'(flushed_q);
        cnt_failed      <= cnt_failed + 32'd1;
        prev_pend_q     <= 1'b0;
        flushed_q       <= 1'b0;
      end else if (flush) begin
        flushed_q <= 1'b1;
      end
      // SecRx.install / erase forget the AN's last accepted PN (after a pass in the same clock).
      for (int a = 0; a < 4; a++) begin
        if (chg_q[a]) last_pn_q[a] <= '0;
      end
    end
  end

  always_ff @(posedge clk) begin
    if (ck2_q) begin
      fs_an             <= c_an;
      fs_pn             <= c_pn;
      fs_mode           <= c_mode;
      fs_pad_invalid    <= r_pad;
      fs_bypass         <= r_bypass;
      fs_bypass_refused <= r_bp_ref;
      fs_unknown_an     <= r_unknown;
      fs_replay         <= r_replay;
      fs_pn_unpredicted <= r_unpred;
      fs_key_changed    <= r_keychg;
      fs_pending        <= r_accept;
      fs_release        <= !r_fail;
    end
    if (ck2_q || do_end) begin
      vd_pass         <= ck2_q && v_pass;
      vd_tag_lost     <= ck2_q ? v_lost : !flushed_q;
      vd_tag_mismatch <= ck2_q && v_mism;
      vd_key_changed  <= ck2_q ? v_key : flushed_q;
      vd_an           <= prev_an_q;
      vd_pn           <= prev_pn_q;
    end
  end

  // ====================================================================== keystream jobs
  // One job per frame, for the frame after the one whose PAD was just checked, with
  // the new prediction; a null job (zero key, any IV: its frame fails anyway) when
  // there is no prediction or no key for the predicted AN.  The first frame after
  // reset gets a null job.  Two slots: a job waits while the generator still issues
  // the current frame's entries.
  logic        gen_ready;

  wire logic push_null = !n_valid || n_pn[64] || !k_valid[n_an];
  logic       j_valid, j_nul;
  logic [1:0] j_an;
  logic [63:0] j_pn;

  physec_sec_jobq u_jobq (
    .clk      (clk),
    .rst      (rst),
    .push     (ck2_q),
    .push_an  (n_an),
    .push_null(push_null),
    .push_pn  (n_pn[63:0]),
    .job_valid(j_valid),
    .job_nul  (j_nul),
    .job_an   (j_an),
    .job_pn   (j_pn),
    .job_ready(gen_ready),
    .chg      (k_changed),
    .flush    (flush),
    .arrive   (w1_beat),
    .chk_an   (f_an),
    .chk_bad  (jb_bad),
    .jr_nul   (jr_nul),
    .jr_an    (jr_an),
    .jc_nul   (jc_nul),
    .jc_an    (jc_an),
    .jc_flush (jc_flush),
    .held     (jb_held),
    .ovf      (jq_ovf)
  );

  logic ks_valid, ks_first, ks_pop, ks_underrun;
  logic [2:0] ks_tag;
  logic [255:0] ks_data;

  physec_sec_ksgen #(
    .DEPTH  (KS_DEPTH),
    .RPR    (RPR),
    .ENTRIES(ENTRIES),
    .KID_W  (3),
    .JT_W   (3)
  ) u_ksgen (
    .clk         (clk),
    .rst         (rst),
    .clr         (flush),
    .kid_inval   (|k_changed),
    .job_valid   (j_valid),
    .job_ready   (gen_ready),
    .job_iv      (j_nul ? 96'd0 : k_salt[96*j_an +: 96] ^ {cfg_link_id, j_pn}),
    .job_full    (1'b1),
    .job_key     (j_nul ? 256'd0 : k_key[256*j_an +: 256]),
    .job_key_len (j_nul ? 1'b1 : k_len[j_an]),
    .job_key_id  (j_nul ? KID_NULL : {1'b0, j_an}),
    .job_tag     (j_nul ? KID_NULL : {1'b0, j_an}),
    .ks_valid    (ks_valid),
    .ks_first    (ks_first),
    .ks_tag      (ks_tag),
    .ks_data     (ks_data),
    .ks_pop      (ks_pop),
    .err_underrun(ks_underrun)
  );

  // Every frame takes its job's entries: entry 0 at word 1, one per payload word.
  assign ks_pop = w1_beat || pl_beat;

  // ====================================================================== data path
  wire logic xor_en = (f_mode == {6'd0, MODE_ENCRYPT});   // PAD byte 1 of this frame

  // The decrypted word, then OUT_DELAY clocks: the checks of a PAD wait that long for the
  // previous frame's expected tag, and the words wait with them (fs_valid stays with out
  // word 5).  The words reset too (a synchronous reset pin, no logic), so that out_word is
  // never X after a reset shorter than the delay.
  logic [OUT_DELAY:0]        dl_valid, dl_sof;
  logic [OUT_DELAY:0][255:0] dl_word;
  always_ff @(posedge clk) begin
    if (rst) begin
      dl_valid <= '0;
      dl_sof   <= '0;
      dl_word  <= '0;
    end else begin
      dl_valid <= {dl_valid[OUT_DELAY-1:0], in_valid};
      dl_sof   <= {dl_sof[OUT_DELAY-1:0], sof_beat};
      dl_word  <= {dl_word[OUT_DELAY-1:0], !beat ? '0 : (pl_beat && xor_en) ? (in_word ^ ks_data) : in_word};
    end
  end
  assign out_valid = dl_valid[OUT_DELAY];
  assign out_sof   = dl_sof[OUT_DELAY];
  assign out_word  = dl_word[OUT_DELAY];

  // ====================================================================== GHASH
  // As physec_sec_tx: (A0, A1) at word 3, (A2, A3) at word 4, then (kept, first) per
  // payload word, (C_5129 or last payload block, len) in the clock after word 2569.
  // The blocks are the words as received (ciphertext, or the clear payload as AAD).
  logic         fin_q;
  logic [127:0] carry_q, ekj0_cur_q, ekj0_fin_q;
  logic [127:0] len_q;
  logic         gh_ready, gh_out_valid;
  logic [127:0] gh_out;

  wire logic gh_beat = w3_beat || w4_beat || pl_beat;
  wire logic [127:0] a0 = {p1_q, p2_q[255:160]};       // PAD bytes 0..15
  wire logic [127:0] a1 = p2_q[159:32];                // PAD bytes 16..31
  wire logic [255:0] gh_data = fin_q ? {carry_q, len_q} : w3_beat ? {a0, a1} : {carry_q, in_word[255:128]};

  always_ff @(posedge clk) begin
    if (gh_beat) carry_q <= w3_beat ? {p2_q[31:0], in_word[255:224], in_word[63:0]} : in_word[127:0];
    if (w3_beat) len_q   <= (f_mode == {6'd0, MODE_ENCRYPT}) ? GCM_LEN_ENCRYPT : GCM_LEN_AUTH;
  end

  // Key-derived: zero after reset and a flush.
  always_ff @(posedge clk) begin
    if (rst || flush) begin
      ekj0_cur_q <= '0;
      ekj0_fin_q <= '0;
      tag_exp_q  <= '0;
    end else begin
      if (w1_beat)  ekj0_cur_q <= ks_data[255:128];
      if (fin_q)        ekj0_fin_q <= ekj0_cur_q;
      if (gh_out_valid) tag_exp_q  <= gh_out ^ ekj0_fin_q;
    end
  end

  always_ff @(posedge clk) begin
    if (rst) fin_q <= 1'b0;
    else     fin_q <= last_beat;
  end

  // The beats wait GH_DELAY clocks for the powers of H (as physec_sec_tx; the words as
  // received, no key material).
  logic [GH_DELAY-1:0]        gd_valid, gd_start, gd_last;
  logic [GH_DELAY-1:0][255:0] gd_data;
  always_ff @(posedge clk) begin
    if (rst) begin
      gd_valid <= '0;
      gd_start <= '0;
      gd_last  <= '0;
    end else begin
      gd_valid <= {gd_valid[GH_DELAY-2:0], gh_beat || fin_q};
      gd_start <= {gd_start[GH_DELAY-2:0], w3_beat};
      gd_last  <= {gd_last[GH_DELAY-2:0], fin_q};
    end
    gd_data <= {gd_data[GH_DELAY-2:0], gh_data};
  end
  wire logic gh_start = gd_start[GH_DELAY-1];

  physec_ghash #(.BLOCKS(2)) u_ghash (
    .clk      (clk),
    .rst      (rst),
    .clr      (flush),
    .h_load   (w1_beat),
    .h_in     (ks_data[127:0]),
    .ready    (gh_ready),
    .start    (gh_start),
    .last     (gd_last[GH_DELAY-1]),
    .in_valid (gd_valid[GH_DELAY-1] ? 2'b11 : 2'b00),
    .in_data  (gd_data[GH_DELAY-1]),
    .out_valid(gh_out_valid),
    .out      (gh_out)
  );

  // ====================================================================== checks
  // Entry 0 popped at word 1 belongs to the job taken last (jr): the frame gets its job.
  wire logic [2:0] jr_tag = jr_nul ? KID_NULL : {1'b0, jr_an};
  always_ff @(posedge clk) begin
    if (rst) begin
      err_ks <= 1'b0;
    end else if (ks_underrun || jq_ovf || (w1_beat && !(ks_valid && ks_first && ks_tag == jr_tag)) ||
                 (gh_start && !gh_ready)) begin
      err_ks <= 1'b1;
    end
  end

`ifndef SYNTHESIS
  // ---- Simulation checks (tb/assertions proves each one fires).
  logic sa_rst_seen;
  always @(posedge clk) begin
    if (rst) sa_rst_seen <= 1'b1;
    if (!rst && ks_pop && !ks_valid)
      $error("physec_sec_rx: keystream FIFO ran dry while payload data flows (word %0d)", widx);
    if (!rst && gh_start && !gh_ready)
      $error("physec_sec_rx: GHASH beat while GHASH is not ready (word %0d)", widx);
    if (!rst && w1_beat && ks_valid && ks_first && ks_tag != jr_tag)
      $error("physec_sec_rx: a frame's keystream entry 0 is not of the job taken for it");
    if (!rst && ck2_q && r_accept && (jc_nul || jc_an != c_an))
      $error("physec_sec_rx: a frame accepted with a job of another key (AN %0d, job AN %0d null %b)",
             c_an, jc_an, jc_nul);
    if (!rst && sa_rst_seen &&
        (((^{out_valid, out_sof, fs_valid, vd_valid, cnt_frames, cnt_passed, cnt_failed, cnt_bypass,
                     cnt_tag_failures, cnt_tags_lost, cnt_replays, cnt_unknown_an, cnt_pad_errors,
                     cnt_pn_unpredicted, cnt_key_switches, cnt_key_changed, err_ks}) === 1'bx) ||
         (out_valid && ((^(out_word)) === 1'bx)) ||
         (fs_valid && ((^{fs_an, fs_pn, fs_mode, fs_pad_invalid, fs_bypass, fs_bypass_refused,
                                  fs_unknown_an, fs_replay, fs_pn_unpredicted, fs_key_changed, fs_pending,
                                  fs_release}) === 1'bx)) ||
         (vd_valid && ((^{vd_pass, vd_tag_lost, vd_tag_mismatch, vd_key_changed, vd_an, vd_pn}) === 1'bx))))
      $error("physec_sec_rx: X/Z on an output after reset");
  end
`endif

  // ---- Properties (SVA): proven by formal/run.py (FORMAL), checked in simulation
  // (Verilator builds with --assert); not in synthesis, nor in Icarus 11 (no concurrent
  // assertions).
`ifndef PHYSEC_SVA
`ifdef FORMAL
`define PHYSEC_SVA
`elsif SYNTHESIS
`elsif __ICARUS__
`else
`define PHYSEC_SVA
`endif
`endif
`ifdef PHYSEC_SVA
  // Zeroisation: after rst or a flush the expected tag and E_K(J0) are zero (the blocks'
  // own properties cover the keystream path and GHASH, whose clr is flush).
  // Starts at 0 (the initial state formal assumes): no check before the first clear.
  logic sva_zero_q;
  initial sva_zero_q = 1'b0;
  always_ff @(posedge clk) sva_zero_q <= rst || flush;
  always @(posedge clk) begin
    if (sva_zero_q) zeroised: assert ({tag_exp_q, ekj0_cur_q, ekj0_fin_q} == '0)
      else $error("physec_sec_rx: tag or E_K(J0) after reset or flush");
  end
`endif

endmodule

`default_nettype wire
