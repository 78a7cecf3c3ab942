// SPDX-License-Identifier: Apache-2.0
//
// physec_frame_loop_tb: RTL TX -> RTL RX loopback of the frame stage, for
// test_frame_loop.py.  physec_frame_tx's line words feed physec_frame_rx directly
// (word-aligned: the aligner still searches all 256 offsets and must lock at offset 0).

`default_nettype none

module physec_frame_loop_tb (
  input  wire logic          clk,
  input  wire logic          rst,
  input  wire logic          client_valid,
  input  wire logic [256:0]  client_block,
  input  wire logic [479:0]  pad,
  output logic               frame_start,
  output logic               blk_valid,
  output logic [256:0]       blk,
  output logic               st_valid,
  output logic               st_usable,
  output logic               locked,
  output logic [31:0]        cnt_frames,
  output logic [31:0]        cnt_error_blocks
);

  logic         line_valid, line_sof;
  logic [255:0] line_word;
  logic [13:0]  unused_cm;
  logic [31:0]  unused_uf, unused_of;

  physec_frame_tx u_tx (
    .clk, .rst, .client_valid, .client_block, .pad, .frame_start,
    .line_valid, .line_word, .line_sof, .cm(unused_cm),
    .underflow_count(unused_uf), .overflow_count(unused_of)
  );

  physec_frame_rx u_rx (
    .clk, .rst, .line_valid, .line_word, .blk_valid, .blk, .st_valid,
    .st_am_good(), .st_oh_crc_ok(), .st_jc_crc_ok(), .st_jc_kind(), .st_cnd(), .st_cnd_ok(),
    .st_usable, .st_cm(), .st_mfas(), .st_stat(), .st_pad(), .locked,
    .cnt_frames, .cnt_am_bad(), .cnt_oh_crc_errors(), .cnt_jc_crc_errors(), .cnt_jc_pattern_errors(),
    .cnt_unusable_frames(), .cnt_lock_losses(), .cnt_locks(), .cnt_lost_frames(), .cnt_error_blocks
  );

  wire logic unused_sof = line_sof;

endmodule

`default_nettype wire
