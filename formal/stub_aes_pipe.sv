// SPDX-License-Identifier: Apache-2.0
//
// Formal stand-in for physec_aes_pipe (formal/run.py): the same ports, parameters and
// control timing (take = in_valid && key_ready, in_drop, the valid/tag delay line
// u_side of LATENCY = 1 + 14*RPR clocks), with out_blk free in every clock.  For the
// proofs whose properties do not depend on the keystream's value (job identity,
// keystream FIFO); physec_aes_pipe's own properties are proven on the real module.

`default_nettype none

module physec_aes_pipe #(
  parameter int RPR   = 1,
  parameter int TAG_W = 8
) (
  input  wire logic                                 clk,
  input  wire logic                                 rst,
  input  wire logic                                 clr,
  input  wire logic                                 key_ready,
  input  wire logic                                 rk_len,
  input  wire logic [physec_aes_pkg::NSLOT*128-1:0] round_keys,
  input  wire logic                                 in_valid,
  input  wire logic [127:0]                         in_blk,
  input  wire logic [TAG_W-1:0]                     in_tag,
  output logic                                      in_drop,
  output logic                                      out_valid,
  output logic [127:0]                              out_blk,
  output logic [TAG_W-1:0]                          out_tag
);

  localparam int LATENCY = 1 + 14 * RPR;
  wire logic take = in_valid && key_ready;
  wire logic unused = &{1'b0, clr, rk_len, round_keys, in_blk};

  always_ff @(posedge clk) begin
    if (rst) in_drop <= 1'b0;
    else     in_drop <= in_valid && !key_ready;
  end

  physec_pipe #(.WIDTH(TAG_W), .DEPTH(LATENCY)) u_side (
    .clk, .rst, .in_valid(take), .in_data(in_tag), .out_valid, .out_data(out_tag)
  );

  (* anyseq *) logic [127:0] any_blk;
  assign out_blk = any_blk;

endmodule

`default_nettype wire
