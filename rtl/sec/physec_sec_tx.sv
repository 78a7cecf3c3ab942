// SPDX-License-Identifier: Apache-2.0
//
// physec_sec_tx: the transmit side of the security stage (spec 6.1-6.3), between the
// framer (physec_frame_tx) and the line.  This module = the model's physec.sec.SecTx as
// physec.frame.FrameTx applies it, bit for bit: frame n's PAD (spec 6.2) is written
// into the PAD field, the payload is encrypted (mode 2) or left clear (modes 1, 0), and
// the tag of frame n (AES-GCM over AAD = PAD bytes 0..39 || OH, spec 6.1) travels in
// frame n+1's PAD.
//
//   in --> [XOR keystream] --> s1 --> delay (6) --> [PAD words 1..3] --> out   (8 clocks)
//                 |                                   ^ tag of the previous frame, CRC-32
//                 +--> delay (4) --> GHASH (AAD, C, len) -+-- tag = GHASH xor E_K(J0)
//   physec_sec_ksgen: {E_K(J0), H}, keystream pairs, run ahead through a FIFO
//
// Ports (rst: synchronous, active high; clears all state, keys and alarms):
//   in_valid, in_sof, in_word[255:0]  line words from the framer: word k of a frame =
//                 frame bits [256k, 256k + 255], the first of them in in_word[255]
//                 (spec 2.1, 5.1); in_sof on word 0.  Frames must be whole (2570 valid
//                 words from one in_sof to the next); pauses (in_valid = 0) are allowed
//                 anywhere.  Words before the first in_sof leave as zeros.
//   out_valid, out_sof, out_word[255:0]  the same words 8 clocks later (fixed latency,
//                 pauses kept): word 0 (AM), word 4 (OH) and OH bits of word 3 unchanged;
//                 PAD bits 480..959 (word 1 bits 31:0, word 2, word 3 bits 255:64)
//                 replaced by the frame's PAD; payload words 5..2569 encrypted (mode 2),
//                 clear (modes 1, 0) or all zero (a blank frame, see below).
//   cfg_mode[1:0]    0 bypass, 1 authenticate only, 2 encrypt (3 counts as 2); sampled
//                    when a frame's parameters are decided (below).
//   cfg_link_id[31:0]  link ID of the IV, big-endian; sampled with cfg_mode.
//   key_we, key_an[1:0], key[255:0], key_len, salt[95:0]  key install (physec_sec_keys:
//                 key byte 0 in key[255:248], AES-128 in key[255:128]; key_len 0 =
//                 AES-128, 1 = AES-256; salt byte 0 in salt[95:88]).  Write-only.  A
//                 write to the AN in use, the announced AN or the AN being activated is
//                 refused (err_key_refused pulses).
//   erase, erase_an[1:0]  clear the AN's key slot (key, salt to 0; never refused).  If
//                 the AN is in use, being activated, announced, or the AN of the frame
//                 being sent or of the next one, the transmitter stops protecting (fail
//                 closed): the keystream path is reset and zeroised (physec_sec_ksgen,
//                 GHASH, the tag and E_K(J0) registers), the rest of the frame being sent
//                 leaves with an all-zero payload, and every frame after it is blank until
//                 a new activation (rekey_req with a fresh key).
//   rekey_req, rekey_an[1:0]  with no key in use: activate rekey_an (its first frame
//                 has PN = 1).  With a key in use: SecTx.rekey: announce
//                 rekey_an for the whole next multiframe (key change pending = 1, next AN
//                 = rekey_an in every PAD of it), switch to it with PN = 1 at the
//                 multiframe boundary after it (spec 6.3).  Refused (err_rekey_refused
//                 pulses) when the AN has no key, its key was already used (a slot must
//                 be rewritten before it is used again, so no PN repeats under a key),
//                 it is the AN in use, or a change is already under way.
//   fr_valid ...  one clock per frame, 1 clock after its in_sof: fr_protected (0 = a
//                 blank frame), fr_mode, fr_an, fr_pn[63:0], fr_tag_valid, fr_kcp,
//                 fr_next_an: the PAD fields sent (the model's TxFrameSec an, pn and PAD).
//   st_active, st_an  a key is in use and which; st_rekey_pending: announcement under way.
//   alarm_pn      PN exhaustion (sticky until the next activation): the PN after
//                 2^64 - 1 would be needed; the model raises SecError there.
//   err_ks        sticky: a keystream underrun or a frame whose keystream was not ready
//                 (a design or usage error, see startup below); err_tag_late: a tag was
//                 not ready when its PAD left (a design error).
//
// Frame parameters (model SecTx.frame): the AN, PN, mode, key-change flags of frame
// n+1 are decided when frame n's OH has passed (in_word of word 3: MFAS = OH byte 0),
// so that its keystream can run ahead.  The multiframe position used is the MFAS of
// frame n plus one (0 before the first frame), which is frame n+1's MFAS because the
// framer numbers frames consecutively (spec 5.4), and is the same rule the receiver
// uses for its prediction (SecRx: (mfas + 1) % 8).
//
// Keys bound to jobs: a frame's job reads its key and salt from the slot of its AN,
// which is write-locked from the decision on (the AN in use, announced or being
// activated), so the key cannot change between the decision and the keystream; the
// ksgen re-expands after any slot change (kid_inval).  An erase is never locked out:
// it stops protection as described at the erase port.
//
// Blank frames (fail closed): while no key is in use (after reset until the first
// activation, after PN exhaustion until a new activation) and for a frame whose
// keystream is not ready at its in_sof, the frame leaves with the PAD {version 1, mode 0,
// AN 0, no flags, PN 0, TAG 0, CRC} and an all-zero payload: client data never leaves
// in clear unless bypass mode was configured.  PN 0 is never a valid PN, so a receiver
// sees it as bypass (refused when it requires security).  Activation: a rekey_req with
// no key in use applies to the next frame whose parameters are decided after it (from
// an OH that passed to the next in_sof, or at once before the first frame), provided
// that frame's in_sof comes at least 24 clocks after the decision (key expansion, 15
// clocks of AES, the FIFO write of keystream entry 0); a frame that comes earlier is
// blank (err_ks is set) and the next one takes the parameters.
//
// Latency and the tag deadline: out = in + 2 + OUT_DELAY clocks (8).  physec_ghash
// takes H at word 1 (keystream entry 0) and needs INSTALL = 6 clocks for its powers
// before a message begins, so its beats (from word 3 on) reach it GH_DELAY = 4 clocks
// late; a message keeps the powers it began with, so the next frame's H may load while
// the last beats of this one are in the delay.  The last beat (C_5129, len) is formed in
// the clock after payload word 2569 (t + 1), enters physec_ghash at t + 5, out_valid at
// t + 10, the tag register loads then; the next frame's word 3 (which carries TAG and
// the CRC-32 folded over it) enters at t + 4 at the earliest and is written into the out
// register OUT_DELAY = 6 clocks after s1, at t + 11: no clock of slack (err_tag_late
// checks it), the output delay being the least that meets the deadline.
//
// Timing (one word per clock, 412.7 MHz at 100g): the keystream XOR is the FIFO's
// head register mux plus one XOR into s1; the PAD header's CRC-32 (40 bytes) has a clock
// of its own once per frame; the tag fold (the 16 TAG bytes into the CRC-32 register,
// an XOR network of at most 128 + 32 inputs per bit) sits between the tag register and
// the out register, the deepest path of the data side; the per-frame decision (65-bit
// PN increment, multiframe position) has many clocks but is timed as one.  AES and
// GHASH paths: physec_aes_pipe, physec_ghash.
//
// Geometry: the 100g profile only (256-bit words, AM 480, PAD 480, OH 320 bits, 2570
// words, MFAS in OH byte 0); other values stop elaboration.

`default_nettype none

module physec_sec_tx #(
  parameter int WORD_BITS       = physec_profile_pkg::WORD_BITS,
  parameter int WORDS_PER_FRAME = physec_profile_pkg::WORDS_PER_FRAME,
  parameter int AM_BITS         = physec_profile_pkg::AM_BITS,
  parameter int PAD_BITS        = physec_profile_pkg::PAD_BITS,
  parameter int OH_BITS         = physec_profile_pkg::OH_BITS,
  parameter int HEADER_WORDS    = physec_profile_pkg::HEADER_WORDS,
  parameter int MF_FRAMES       = physec_profile_pkg::MF_FRAMES,
  parameter int OH_MFAS         = physec_profile_pkg::OH_MFAS,
  parameter int KS_DEPTH        = 32,       // keystream FIFO entries
  parameter int RPR             = 1         // AES registers per round
) (
  input  wire logic         clk,
  input  wire logic         rst,
  input  wire logic [1:0]   cfg_mode,
  input  wire logic [31:0]  cfg_link_id,
  input  wire logic         key_we,
  input  wire logic [1:0]   key_an,
  input  wire logic [255:0] key,
  input  wire logic         key_len,
  input  wire logic [95:0]  salt,
  input  wire logic         erase,
  input  wire logic [1:0]   erase_an,
  input  wire logic         rekey_req,
  input  wire logic [1:0]   rekey_an,
  input  wire logic         in_valid,
  input  wire logic         in_sof,
  input  wire logic [255:0] in_word,
  output logic              out_valid,
  output logic              out_sof,
  output logic [255:0]      out_word,
  output logic              fr_valid,
  output logic              fr_protected,
  output logic [1:0]        fr_mode,
  output logic [1:0]        fr_an,
  output logic [63:0]       fr_pn,
  output logic              fr_tag_valid,
  output logic              fr_kcp,
  output logic [1:0]        fr_next_an,
  output logic              st_active,
  output logic [1:0]        st_an,
  output logic              st_rekey_pending,
  output logic              alarm_pn,
  output logic              err_key_refused,
  output logic              err_rekey_refused,
  output logic              err_ks,
  output logic              err_tag_late
);

  import physec_sec_pkg::*;

  if (WORD_BITS != 256 || AM_BITS != 480 || PAD_BITS != 480 || OH_BITS != 320 ||
      HEADER_WORDS != 5 || WORDS_PER_FRAME != 2570 || OH_MFAS != 0 || MF_FRAMES < 1 ||
      MF_FRAMES > 256) begin : g_bad_params
`ifdef __ICARUS__
    initial $fatal(1, "physec_sec_tx: only the 100g frame geometry is supported");
`else
    $fatal(1, "physec_sec_tx: only the 100g frame geometry is supported");
`endif
  end

  localparam int IW      = 12;                                   // word index width
  localparam int GH_DELAY  = 4;     // GHASH beats after h_load + 2 (word 1 -> word 3): INSTALL - 2
  localparam int OUT_DELAY = 6;     // s1 -> out: the tag deadline (see Latency above)
  localparam int LASTW   = WORDS_PER_FRAME - 1;
  localparam int ENTRIES = WORDS_PER_FRAME - HEADER_WORDS + 1;   // keystream entries
  localparam int MFW     = (MF_FRAMES <= 2) ? 1 : $clog2(MF_FRAMES + 1);
  localparam logic [63:0] PN_START = 64'd1;                      // first PN of a key

  // ====================================================================== keys
  logic [3:0]       k_valid, k_fresh, k_wr_done, k_changed, k_consume, k_lock;
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
    .wr_lock   (k_lock),
    .consume   (k_consume),
    .wr_refused(k_refused),
    .wr_done   (k_wr_done),
    .changed   (k_changed),
    .valid     (k_valid),
    .fresh     (k_fresh),
    .slot_key  (k_key),
    .slot_len  (k_len),
    .slot_salt (k_salt)
  );
  wire logic [3:0] unused_wr_done = k_wr_done;
  assign err_key_refused = k_refused;

  // ====================================================================== input side
  logic          beat;
  logic [IW-1:0] widx;
  logic          started_q;      // an in_sof was seen
  physec_word_index #(.WORDS(WORDS_PER_FRAME), .IW(IW)) u_widx (
    .clk, .rst, .in_valid, .in_sof, .beat, .widx, .started(started_q)
  );

  wire logic sof_beat = beat && in_sof;
  wire logic w1_beat  = beat && widx == IW'(1);
  wire logic w3_beat  = beat && widx == IW'(3);
  wire logic w4_beat  = beat && widx == IW'(4);
  wire logic pl_beat  = beat && widx >= IW'(HEADER_WORDS);
  wire logic last_beat = beat && widx == IW'(LASTW);

  // ====================================================================== decisions
  // State of SecTx: key in use, PN (65 bits: bit 64 = exhausted), rekey and announcement.
  logic        active_q, act_q, pend_q, ann_wait_q, alarm_q;
  logic [1:0]  an_q, act_an_q, pend_an_q;
  logic [64:0] pn_q;
  logic [MFW-1:0] ann_left_q;
  logic [7:0]  mfas_q;           // MFAS of the last frame whose OH passed
  logic        hdr_seen_q;       // that OH passed since the last in_sof

  // Parameters of the next frame (decided ahead) and of the frame being sent.
  logic        nxt_valid_q, nxt_job_q;
  logic [1:0]  nxt_mode_q, nxt_an_q, nxt_nan_q;
  logic [63:0] nxt_pn_q;
  logic        nxt_kcp_q;
  logic [95:0] nxt_iv_q;

  wire logic [7:0] mfas_pred = started_q ? mfas_q + 8'd1 : 8'd0;
  wire logic       boundary  = (mfas_pred % 8'(MF_FRAMES)) == 8'd0;
  wire logic [1:0] mode_eff  = (cfg_mode == 2'd3) ? MODE_ENCRYPT : cfg_mode;

  // Decide frame n+1 once frame n's OH passed (or, before any frame, at once), never in
  // an in_sof clock (that frame takes the parameters decided before).
  wire logic decide = !nxt_valid_q && (hdr_seen_q || !started_q) && !sof_beat &&
                      (active_q || act_q);

  // The decision, SecTx.frame order: activation, rekey switch / announcement start,
  // PN exhaustion, then this frame's flags.
  logic        d_pend, d_wait, d_switch, d_kcp;
  logic [1:0]  d_an;
  logic [64:0] d_pn;
  logic [MFW-1:0] d_left;
  always_comb begin
    d_an     = an_q;
    d_pn     = pn_q;
    d_pend   = pend_q;
    d_wait   = ann_wait_q;
    d_left   = ann_left_q;
    d_switch = 1'b0;
    if (!active_q && act_q) begin
      d_an   = act_an_q;
      d_pn   = {1'b0, PN_START};
      d_pend = 1'b0;
    end
    if (d_pend && boundary) begin
      if (!d_wait && d_left == '0) begin
        d_switch = 1'b1;
        d_an     = pend_an_q;
        d_pn     = {1'b0, PN_START};
        d_pend   = 1'b0;
      end else if (d_wait) begin
        d_wait = 1'b0;
        d_left = MFW'(MF_FRAMES);
      end
    end
    d_kcp = d_pend && !d_wait && d_left != '0;
  end
  wire logic d_exh = d_pn[64];          // the PN after 2^64 - 1

  // Keys consumed (no longer fresh) when they start being used.
  assign k_consume = decide ? (((!active_q && act_q) ? (4'b0001 << act_an_q) : 4'b0000) |
                               (d_switch ? (4'b0001 << pend_an_q) : 4'b0000)) : 4'b0000;
  assign k_lock    = (active_q ? (4'b0001 << an_q) : 4'b0000) |
                     (pend_q   ? (4'b0001 << pend_an_q) : 4'b0000) |
                     (act_q    ? (4'b0001 << act_an_q) : 4'b0000);

  // Frame start: take the decided parameters if their keystream is there.
  logic job_taken;
  logic ks_valid, ks_first, ks_pop, ks_underrun;
  logic [255:0] ks_data;
  wire logic nxt_ready = nxt_valid_q && (nxt_mode_q == MODE_BYPASS ||
                                         (nxt_job_q && ks_valid && ks_first));
  wire logic take = sof_beat && nxt_ready;

  // Erase of an AN the transmitter depends on: stop protecting, zeroise the path.
  logic [1:0] cur_an_q;
  logic       cur_prot_q;
  wire logic flush = erase && ((active_q && an_q == erase_an) || (act_q && act_an_q == erase_an) ||
                               (pend_q && pend_an_q == erase_an) ||
                               (nxt_valid_q && nxt_mode_q != MODE_BYPASS && nxt_an_q == erase_an) ||
                               (cur_prot_q && cur_an_q == erase_an));

  // rekey_req: activation when idle, else an announced change (SecTx.rekey checks).
  wire logic [3:0] rk_sel  = 4'b0001 << rekey_an;
  wire logic rk_key_ok = (k_valid & k_fresh & rk_sel) != 4'b0000;
  wire logic rk_idle   = !active_q && !act_q;
  wire logic rk_ok     = rk_key_ok && (rk_idle || (active_q && !pend_q && rekey_an != an_q));

  always_ff @(posedge clk) begin
    if (rst) begin
      active_q          <= 1'b0;
      act_q             <= 1'b0;
      pend_q            <= 1'b0;
      ann_wait_q        <= 1'b0;
      ann_left_q        <= '0;
      alarm_q           <= 1'b0;
      an_q              <= '0;
      pn_q              <= '0;
      mfas_q            <= '0;
      hdr_seen_q        <= 1'b0;
      nxt_valid_q       <= 1'b0;
      nxt_job_q         <= 1'b0;
      err_rekey_refused <= 1'b0;
    end else if (flush) begin
      // Nothing protected after an erase of a key in use (fail closed, blank frames).
      active_q          <= 1'b0;
      act_q             <= 1'b0;
      pend_q            <= 1'b0;
      ann_wait_q        <= 1'b0;
      nxt_valid_q       <= 1'b0;
      nxt_job_q         <= 1'b0;
      err_rekey_refused <= rekey_req;
      if (w3_beat) begin
        mfas_q     <= in_word[63:56];
        hdr_seen_q <= 1'b1;
      end else if (sof_beat) begin
        hdr_seen_q <= 1'b0;
      end
    end else begin
      if (w3_beat) begin
        mfas_q     <= in_word[63:56];         // OH byte 0 = frame bits 960..967
        hdr_seen_q <= 1'b1;
      end else if (sof_beat) begin
        hdr_seen_q <= 1'b0;
      end
      if (take) begin
        nxt_valid_q <= 1'b0;
        nxt_job_q   <= 1'b0;
      end else if (job_taken) begin
        nxt_job_q   <= 1'b1;
      end
      if (decide) begin
        hdr_seen_q <= 1'b0;                   // one decision per frame
        ann_wait_q <= d_wait;
        if (d_exh) begin                      // PN space exhausted: stop, alarm
          active_q <= 1'b0;
          act_q    <= 1'b0;
          pend_q   <= 1'b0;
          alarm_q  <= 1'b1;
        end else begin
          active_q    <= 1'b1;
          act_q       <= 1'b0;
          an_q        <= d_an;
          pn_q        <= d_pn + 65'd1;
          pend_q      <= d_pend;
          ann_left_q  <= d_kcp ? d_left - MFW'(1) : d_left;
          if (!active_q && act_q) alarm_q <= 1'b0;
          nxt_valid_q <= 1'b1;
          nxt_mode_q  <= mode_eff;
          nxt_an_q    <= d_an;
          nxt_pn_q    <= d_pn[63:0];
          nxt_kcp_q   <= d_kcp;
          nxt_nan_q   <= d_kcp ? pend_an_q : 2'd0;
          nxt_iv_q    <= k_salt[96*d_an +: 96] ^ {cfg_link_id, d_pn[63:0]};
        end
      end
      // rekey_req after the decision: it sees the state before this clock's decision,
      // and a decision never clears what a request here sets (a request while a change
      // is pending or a key is being activated is refused).
      err_rekey_refused <= rekey_req && !rk_ok;
      if (rekey_req && rk_ok) begin
        if (rk_idle) begin
          act_q    <= 1'b1;
          act_an_q <= rekey_an;
        end else begin
          pend_q     <= 1'b1;
          pend_an_q  <= rekey_an;
          ann_wait_q <= 1'b1;
        end
      end
    end
  end

  assign st_active        = active_q;
  assign st_an            = an_q;
  assign st_rekey_pending = pend_q;
  assign alarm_pn         = alarm_q;

  // ====================================================================== keystream
  // One job per protected frame: encrypt = entry 0 + the payload keystream, authenticate
  // only = entry 0 ({E_K(J0), H}).
  logic gen_ready;
  wire logic job_valid = nxt_valid_q && !nxt_job_q && nxt_mode_q != MODE_BYPASS;
  assign job_taken = job_valid && gen_ready;

  // A flush resets the ksgen (it zeroises as it resets): no frame is protected until
  // the next activation, so no job is lost.
  physec_sec_ksgen #(
    .DEPTH  (KS_DEPTH),
    .RPR    (RPR),
    .ENTRIES(ENTRIES),
    .KID_W  (2),
    .JT_W   (1)
  ) u_ksgen (
    .clk         (clk),
    .rst         (rst || flush),
    .clr         (1'b0),
    .kid_inval   (|k_changed),
    .job_valid   (job_valid),
    .job_ready   (gen_ready),
    .job_iv      (nxt_iv_q),
    .job_full    (nxt_mode_q == MODE_ENCRYPT),
    .job_key     (k_key[256*nxt_an_q +: 256]),
    .job_key_len (k_len[nxt_an_q]),
    .job_key_id  (nxt_an_q),
    .job_tag     (1'b0),
    .ks_valid    (ks_valid),
    .ks_first    (ks_first),
    .ks_tag      (unused_ks_tag),
    .ks_data     (ks_data),
    .ks_pop      (ks_pop),
    .err_underrun(ks_underrun)
  );

  logic unused_ks_tag;

  // ====================================================================== frame being sent
  logic        cur_tv_q, prev_tagged_q;
  logic [1:0]  cur_mode_q;
  logic [319:0] pad_hdr_q;       // PAD bytes 0..39 of the frame being sent
  logic [31:0]  crc_hdr_q;       // CRC-32 register after those 40 bytes
  localparam logic [32*CRC32_MW-1:0] CRC_HDR_M = crc32_matrix(40);   // PAD bytes 0..39
  localparam logic [32*CRC32_MW-1:0] CRC_TAG_M = crc32_matrix(16);   // TAG
  logic         crc_pend_q;

  wire logic cur_gh  = cur_prot_q && cur_mode_q != MODE_BYPASS;   // GHASH and a tag
  wire logic cur_enc = cur_prot_q && cur_mode_q == MODE_ENCRYPT;

  always_ff @(posedge clk) begin
    if (rst) begin
      cur_prot_q    <= 1'b0;
      cur_an_q      <= '0;
      cur_tv_q      <= 1'b0;
      prev_tagged_q <= 1'b0;
      cur_mode_q    <= MODE_BYPASS;
      crc_pend_q    <= 1'b0;
      fr_valid      <= 1'b0;
    end else begin
      fr_valid   <= sof_beat;
      crc_pend_q <= sof_beat;
      if (sof_beat) begin
        cur_prot_q    <= take && !flush;
        cur_an_q      <= nxt_an_q;
        cur_mode_q    <= take ? nxt_mode_q : MODE_BYPASS;
        cur_tv_q      <= take && prev_tagged_q;
        prev_tagged_q <= take && nxt_mode_q != MODE_BYPASS && !flush;
      end else if (flush) begin
        // The rest of this frame leaves with a zero payload and no tag follows it.
        cur_prot_q    <= 1'b0;
        prev_tagged_q <= 1'b0;
      end
    end
  end

  always_ff @(posedge clk) begin
    if (sof_beat) begin
      pad_hdr_q    <= take ? pad_header(nxt_mode_q, nxt_an_q, prev_tagged_q, nxt_kcp_q, nxt_nan_q, nxt_pn_q)
                           : pad_header(MODE_BYPASS, 2'd0, 1'b0, 1'b0, 2'd0, 64'd0);
      fr_protected <= take;
      fr_mode      <= take ? nxt_mode_q : MODE_BYPASS;
      fr_an        <= take ? nxt_an_q : 2'd0;
      fr_pn        <= take ? nxt_pn_q : 64'd0;
      fr_tag_valid <= take && prev_tagged_q;
      fr_kcp       <= take && nxt_kcp_q;
      fr_next_an   <= take ? nxt_nan_q : 2'd0;
    end
    if (crc_pend_q) crc_hdr_q <= crc32_apply(CRC_HDR_M, CRC32_INIT, pad_hdr_q);
  end

  // ====================================================================== data path
  // Keystream pops: entry 0 at word 1 (GHASH frames), one entry per payload word
  // (encrypt frames).
  assign ks_pop = (w1_beat && cur_gh) || (pl_beat && cur_enc);

  // The word on the line (OH at word 4, payload from word 5 on).
  wire logic [255:0] x_word = (cur_enc && pl_beat) ? (in_word ^ ks_data) : in_word;

  // s1: the word with its payload done; the PAD goes in at the out register.
  logic          s1_valid, s1_sof, s1_live;
  logic [IW-1:0] s1_idx;
  logic [255:0]  s1_word;

  always_ff @(posedge clk) begin
    if (rst) begin
      s1_valid <= 1'b0;
      s1_sof   <= 1'b0;
      s1_live  <= 1'b0;
    end else begin
      s1_valid <= in_valid;
      s1_sof   <= sof_beat;
      s1_live  <= beat;
    end
    s1_idx  <= widx;
    // Payload of a blank frame: zeros (fail closed).
    s1_word <= !beat ? '0 : !pl_beat ? in_word : cur_prot_q ? x_word : '0;
  end

  // s1 -> out: OUT_DELAY clocks, so that the previous frame's tag is ready for word 3.
  logic [OUT_DELAY-1:0]          dl_valid, dl_sof, dl_live;
  logic [OUT_DELAY-1:0][IW-1:0]  dl_idx;
  logic [OUT_DELAY-1:0][255:0]   dl_word;
  always_ff @(posedge clk) begin
    if (rst) begin
      dl_valid <= '0;
      dl_sof   <= '0;
      dl_live  <= '0;
    end else begin
      dl_valid <= {dl_valid[OUT_DELAY-2:0], s1_valid};
      dl_sof   <= {dl_sof[OUT_DELAY-2:0], s1_sof};
      dl_live  <= {dl_live[OUT_DELAY-2:0], s1_live};
    end
    dl_idx  <= {dl_idx[OUT_DELAY-2:0], s1_idx};
    dl_word <= {dl_word[OUT_DELAY-2:0], s1_word};
  end
  wire logic          o_valid = dl_valid[OUT_DELAY-1];
  wire logic          o_sof   = dl_sof[OUT_DELAY-1];
  wire logic          o_live  = dl_live[OUT_DELAY-1];
  wire logic [IW-1:0] o_idx   = dl_idx[OUT_DELAY-1];
  wire logic [255:0]  o_word  = dl_word[OUT_DELAY-1];

  // ====================================================================== GHASH
  // Blocks of the frame in order: A0..A4 (PAD bytes 0..39 || OH), C_0..C_5129 (the
  // payload on the line in encrypt mode; in authenticate-only mode the clear payload,
  // still as AAD), the length block.  Beats pair consecutive blocks, one beat per clock:
  //   word 3: (A0, A1), keep A2 = PAD bytes 32..39 || OH bytes 0..7
  //   word 4: (A2, A3), keep A4
  //   word k >= 5: (kept block, first block of word k), keep its second block
  //   the clock after word 2569: (C_5129, len).
  logic         fin_q;
  logic [127:0] carry_q, ekj0_cur_q, ekj0_fin_q, tag_q;
  logic         tag_rdy_q;
  logic         gh_ready, gh_out_valid;
  logic [127:0] gh_out;

  wire logic gh_beat = cur_gh && (w3_beat || w4_beat || pl_beat);
  // (Continuous assignments: Icarus 11 does not take part selects in always_comb.)
  wire logic [255:0] gh_data =
      fin_q   ? {carry_q, (cur_mode_q == MODE_ENCRYPT) ? GCM_LEN_ENCRYPT : GCM_LEN_AUTH} :
      w3_beat ? pad_hdr_q[319:64] : {carry_q, x_word[255:128]};

  always_ff @(posedge clk) begin
    if (gh_beat) carry_q <= w3_beat ? {pad_hdr_q[63:0], in_word[63:0]} : x_word[127:0];
  end

  // Key-derived: zero after reset and a flush.
  always_ff @(posedge clk) begin
    if (rst || flush) begin
      ekj0_cur_q <= '0;
      ekj0_fin_q <= '0;
      tag_q      <= '0;
    end else begin
      if (w1_beat && cur_gh) ekj0_cur_q <= ks_data[255:128];
      if (fin_q)        ekj0_fin_q <= ekj0_cur_q;
      if (gh_out_valid) tag_q      <= gh_out ^ ekj0_fin_q;
    end
  end

  always_ff @(posedge clk) begin
    if (rst) fin_q <= 1'b0;
    else     fin_q <= last_beat && cur_gh;
  end

  // The beats wait GH_DELAY clocks for the powers of H (ciphertext and AAD only: no key
  // material, so the delay needs no zeroisation).  gd_*[GH_DELAY-1] reach physec_ghash.
  logic [GH_DELAY-1:0]        gd_valid, gd_start, gd_last;
  logic [GH_DELAY-1:0][255:0] gd_data;
  always_ff @(posedge clk) begin
    if (rst) begin
      gd_valid <= '0;
      gd_start <= '0;
      gd_last  <= '0;
    end else begin
      gd_valid <= {gd_valid[GH_DELAY-2:0], gh_beat || fin_q};
      gd_start <= {gd_start[GH_DELAY-2:0], w3_beat && cur_gh};
      gd_last  <= {gd_last[GH_DELAY-2:0], fin_q};
    end
    gd_data <= {gd_data[GH_DELAY-2:0], gh_data};
  end
  wire logic gh_start = gd_start[GH_DELAY-1];

  physec_ghash #(.BLOCKS(2)) u_ghash (
    .clk      (clk),
    .rst      (rst),
    .clr      (flush),
    .h_load   (w1_beat && cur_gh),
    .h_in     (ks_data[127:0]),
    .ready    (gh_ready),
    .start    (gh_start),
    .last     (gd_last[GH_DELAY-1]),
    .in_valid (gd_valid[GH_DELAY-1] ? 2'b11 : 2'b00),
    .in_data  (gd_data[GH_DELAY-1]),
    .out_valid(gh_out_valid),
    .out      (gh_out)
  );

  // ====================================================================== out register
  // PAD word 3: bytes 36..39 (zero), TAG, CRC-32 over bytes 0..55, then OH bytes 0..7.
  wire logic [127:0] tag_field = cur_tv_q ? tag_q : 128'd0;
  wire logic [31:0]  crc_fin   = crc32_apply(CRC_TAG_M, crc_hdr_q, CRC32_DW'(tag_field)) ^ CRC32_XOROUT;

  always_ff @(posedge clk) begin
    if (rst) begin
      out_valid <= 1'b0;
      out_sof   <= 1'b0;
    end else begin
      out_valid <= o_valid;
      out_sof   <= o_sof;
    end
    if (!o_live)                 out_word <= '0;
    else if (o_idx == IW'(1))    out_word <= {o_word[255:32], pad_hdr_q[319:288]};
    else if (o_idx == IW'(2))    out_word <= pad_hdr_q[287:32];
    else if (o_idx == IW'(3))    out_word <= {pad_hdr_q[31:0], tag_field, crc_fin, o_word[63:0]};
    else                          out_word <= o_word;
  end

  // ====================================================================== checks
  always_ff @(posedge clk) begin
    if (rst) begin
      tag_rdy_q    <= 1'b0;
      err_ks       <= 1'b0;
      err_tag_late <= 1'b0;
    end else begin
      if (gh_out_valid) tag_rdy_q <= 1'b1;
      else if (o_live && o_idx == IW'(3)) tag_rdy_q <= 1'b0;
      if (o_live && o_idx == IW'(3) && cur_tv_q && !tag_rdy_q) err_tag_late <= 1'b1;
      if (ks_underrun || (sof_beat && nxt_valid_q && !nxt_ready) || (w1_beat && cur_gh && !ks_first) ||
          (gh_start && !gh_ready)) err_ks <= 1'b1;
    end
  end

`ifndef SYNTHESIS
  // ---- Simulation checks (tb/assertions proves each one fires).  PN: per AN, the PNs of
  // the protected frames sent must strictly increase, and only a key install into the AN
  // may start them again, at 1.
  logic        sa_rst_seen;
  logic [3:0]  sa_have;                 // a protected frame was sent under the AN's key
  logic [63:0] sa_pn [4];               // its PN
  always @(posedge clk) begin
    if (rst) begin
      sa_rst_seen <= 1'b1;
      sa_have     <= '0;
    end else begin
      if (fr_valid && fr_protected) begin
        if (sa_have[fr_an] && fr_pn <= sa_pn[fr_an])
          $error("physec_sec_tx: PN reuse: PN %0d under AN %0d after PN %0d", fr_pn, fr_an, sa_pn[fr_an]);
        if (!sa_have[fr_an] && fr_pn != PN_START)
          $error("physec_sec_tx: first PN under a new key of AN %0d is %0d, not 1", fr_an, fr_pn);
        sa_have[fr_an] <= 1'b1;
        sa_pn[fr_an]   <= fr_pn;
      end
      for (int a = 0; a < 4; a++) if (k_wr_done[a]) sa_have[a] <= 1'b0;
      if (ks_pop && !ks_valid)
        $error("physec_sec_tx: keystream FIFO ran dry while payload data flows (word %0d)", widx);
      if (gh_start && !gh_ready)
        $error("physec_sec_tx: GHASH beat while GHASH is not ready (word %0d)", widx);
      if (active_q && act_q)
        $error("physec_sec_tx: illegal state: a key in use and an activation under way");
      if (job_taken && !k_lock[nxt_an_q])
        $error("physec_sec_tx: a keystream job took the key of an unlocked slot (AN %0d)", nxt_an_q);
      if (sa_rst_seen && (((^{out_valid, out_sof, fr_valid, st_active, st_an, st_rekey_pending,
                                      alarm_pn, err_key_refused, err_rekey_refused, err_ks, err_tag_late}) === 1'bx) ||
                          (out_valid && ((^(out_word)) === 1'bx)) ||
                          (fr_valid && ((^{fr_protected, fr_mode, fr_an, fr_pn, fr_tag_valid, fr_kcp,
                                                   fr_next_an}) === 1'bx))))
        $error("physec_sec_tx: X/Z on an output after reset");
    end
  end
`endif

endmodule

`default_nettype wire
