// SPDX-License-Identifier: Apache-2.0
//
// physec_frame_rx: receive side of the `frame` and `gmp` stages (spec 4, 5.5): raw
// line words in, 257b blocks out.  This module = the model's physec.frame.deframe
// (without a security stage), bit for bit in its blocks, per-frame status and counters:
//
//   line --> physec_aligner --frame words, am_good, loss, virtual words--> physec_gmp_demap --> blk
//             (AM search, lock, grid)                                     (OH, JC, slots, errors)
//
// Ports (rst: synchronous, active high; clears all state and counters):
//   line_valid, line_word[WORD_BITS-1:0]  the line at any bit offset, one word per
//                 valid clock, line_word[WORD_BITS-1] first transmitted.
//   blk_valid, blk[256:0]  the client's 257b blocks, at most one per clock, IEEE order
//                 tx_xcoded<256:0> (blk[0] = first line bit of its slot): the blocks of
//                 deframe(...).blocks, in order.  No back-pressure.
//   st_valid      one clock per processed frame (deframe(...).frames), with
//                 st_am_good, st_oh_crc_ok, st_jc_crc_ok, st_jc_kind (JcResult.kind:
//                 0 same, 1 +1, 2 +2, 3 -1, 4 -2, 5 new, 6 crc, 7 pattern, 8 stale),
//                 st_cnd[9:0], st_cnd_ok (JcResult.cnd: valid when st_cnd_ok), st_usable, st_cm[13:0] (the Cm the frame is demapped with, or the kept
//                 Cm'), st_mfas[7:0], st_stat[7:0], st_pad[PAD_BITS-1:0] (line order,
//                 st_pad[PAD_BITS-1] = MSB of PAD byte 0).
//   locked        receiver is locked.
//   cnt_*         32-bit, wrapping: the model's RxCounters.  Frames lost after a loss of
//                 lock are counted as their ticks pass, and the lost frames' error
//                 blocks are emitted (and counted in cnt_error_blocks) as their virtual
//                 slots pass (spec 5.5); the model decides both at relock, so the two
//                 agree whenever the line relocks (a line that ends unlocked has them
//                 here, not in the model).
//
// Geometry: every parameter defaults to physec_profile_pkg (the 100g profile).  Supported
// are profiles with WORD_BITS = 256 (one 257b slot ends per word at most, so one block
// per clock); the 400g profile (1024-bit words) would need four block lanes.  Illegal
// combinations stop elaboration.  Latency: about 10 clocks from the line word holding a
// slot's last bit to its block.

`default_nettype none

// The top of the receive frame path; stands alone in a lint run over all of rtl/.
/* verilator lint_off MULTITOP */
module physec_frame_rx #(
  parameter int FRAME_BITS      = physec_profile_pkg::FRAME_BITS,
  parameter int WORD_BITS       = physec_profile_pkg::WORD_BITS,
  parameter int WORDS_PER_FRAME = physec_profile_pkg::WORDS_PER_FRAME,
  parameter int AM_BITS         = physec_profile_pkg::AM_BITS,
  parameter int PAD_BITS        = physec_profile_pkg::PAD_BITS,
  parameter int OH_BITS         = physec_profile_pkg::OH_BITS,
  parameter int HEADER_BITS     = physec_profile_pkg::HEADER_BITS,
  parameter int HEADER_WORDS    = physec_profile_pkg::HEADER_WORDS,
  parameter int SLOT_BITS       = physec_profile_pkg::SLOT_BITS,
  parameter int N_SLOTS         = physec_profile_pkg::N_SLOTS,
  parameter int FILL_BITS       = physec_profile_pkg::FILL_BITS,
  parameter int LOCK_GOOD       = physec_profile_pkg::LOCK_GOOD,
  parameter int LOCK_BAD        = physec_profile_pkg::LOCK_BAD,
  parameter int OH_MFAS         = physec_profile_pkg::OH_MFAS,
  parameter int OH_STAT         = physec_profile_pkg::OH_STAT,
  parameter int OH_JC           = physec_profile_pkg::OH_JC,
  parameter logic [AM_BITS-1:0] AM_LINE    = physec_profile_pkg::AM_LINE,
  parameter logic [256:0]       ERROR_257B = physec_profile_pkg::ERROR_257B,
  parameter int NCAND           = 4       // AM search candidates tracked at once
) (
  input  wire logic                 clk,
  input  wire logic                 rst,
  input  wire logic                 line_valid,
  input  wire logic [WORD_BITS-1:0] line_word,
  output logic                      blk_valid,
  output logic [256:0]              blk,
  output logic                      st_valid,
  output logic                      st_am_good,
  output logic                      st_oh_crc_ok,
  output logic                      st_jc_crc_ok,
  output logic [3:0]                st_jc_kind,
  output logic [9:0]                st_cnd,
  output logic                      st_cnd_ok,
  output logic                      st_usable,
  output logic [13:0]               st_cm,
  output logic [7:0]                st_mfas,
  output logic [7:0]                st_stat,
  output logic [PAD_BITS-1:0]       st_pad,
  output logic                      locked,
  output logic [31:0]               cnt_frames,
  output logic [31:0]               cnt_am_bad,
  output logic [31:0]               cnt_oh_crc_errors,
  output logic [31:0]               cnt_jc_crc_errors,
  output logic [31:0]               cnt_jc_pattern_errors,
  output logic [31:0]               cnt_unusable_frames,
  output logic [31:0]               cnt_lock_losses,
  output logic [31:0]               cnt_locks,
  output logic [31:0]               cnt_lost_frames,
  output logic [31:0]               cnt_error_blocks
);
/* verilator lint_on MULTITOP */

  localparam int IDXW = $clog2(WORDS_PER_FRAME);

  if (FRAME_BITS != WORDS_PER_FRAME * WORD_BITS || HEADER_BITS != AM_BITS + PAD_BITS + OH_BITS ||
      HEADER_BITS != HEADER_WORDS * WORD_BITS ||
      FILL_BITS != FRAME_BITS - HEADER_BITS - N_SLOTS * SLOT_BITS ||
      FILL_BITS < 0 || FILL_BITS >= SLOT_BITS || OH_BITS < 80) begin : g_bad_params
`ifdef __ICARUS__
    initial $fatal(1, "physec_frame_rx: inconsistent geometry (FRAME_BITS = WORDS_PER_FRAME * WORD_BITS, HEADER_BITS = AM + PAD + OH = HEADER_WORDS * WORD_BITS, 0 <= FILL_BITS = payload - N_SLOTS * SLOT_BITS < SLOT_BITS, OH >= 10 bytes)");
`else
    $fatal(1, "physec_frame_rx: inconsistent geometry (FRAME_BITS = WORDS_PER_FRAME * WORD_BITS, HEADER_BITS = AM + PAD + OH = HEADER_WORDS * WORD_BITS, 0 <= FILL_BITS = payload - N_SLOTS * SLOT_BITS < SLOT_BITS, OH >= 10 bytes)");
`endif
  end

  logic                 fw_valid, fw_am_good, vw_valid, ev_lock, ev_loss, ev_am_bad, lost_tick, blk_err;
  logic [WORD_BITS-1:0] fw_word;
  logic [IDXW-1:0]      fw_idx, vw_idx;
  logic [$clog2(WORD_BITS+1)-1:0] vw_lim;

  physec_aligner #(
    .WORD_BITS      (WORD_BITS),
    .WORDS_PER_FRAME(WORDS_PER_FRAME),
    .AM_BITS        (AM_BITS),
    .HEADER_WORDS   (HEADER_WORDS),
    .LOCK_GOOD      (LOCK_GOOD),
    .LOCK_BAD       (LOCK_BAD),
    .AM_LINE        (AM_LINE),
    .NCAND          (NCAND)
  ) u_aligner (
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

  physec_gmp_demap #(
    .WORD_BITS      (WORD_BITS),
    .WORDS_PER_FRAME(WORDS_PER_FRAME),
    .PAD_BITS       (PAD_BITS),
    .OH_BITS        (OH_BITS),
    .HEADER_WORDS   (HEADER_WORDS),
    .SLOT_BITS      (SLOT_BITS),
    .N_SLOTS        (N_SLOTS),
    .OH_MFAS        (OH_MFAS),
    .OH_STAT        (OH_STAT),
    .OH_JC          (OH_JC),
    .ERROR_257B     (ERROR_257B)
  ) u_demap (
    .clk         (clk),
    .rst         (rst),
    .in_valid    (fw_valid),
    .in_word     (fw_word),
    .in_idx      (fw_idx),
    .in_am_good  (fw_am_good),
    .in_loss     (ev_loss),
    .in_drop     (1'b0),
    .in_unverified(1'b0),                      // no security stage: demapped = trusted
    .vin_valid   (vw_valid),
    .vin_idx     (vw_idx),
    .vin_lim     (vw_lim),
    .blk_valid   (blk_valid),
    .blk         (blk),
    .blk_err     (blk_err),
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

  // ---- counters (model RxCounters)
  physec_rx_counters u_cnt (
    .clk, .rst, .st_valid, .st_oh_crc_ok, .st_jc_crc_ok, .st_jc_kind, .st_usable,
    .ev_am_bad, .ev_loss, .ev_lock, .lost_tick, .err_block(blk_valid && blk_err),
    .cnt_frames, .cnt_am_bad, .cnt_oh_crc_errors, .cnt_jc_crc_errors, .cnt_jc_pattern_errors,
    .cnt_unusable_frames, .cnt_lock_losses, .cnt_locks, .cnt_lost_frames, .cnt_error_blocks
  );

endmodule

`default_nettype wire
