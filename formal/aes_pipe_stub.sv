// SPDX-License-Identifier: Apache-2.0
//
// Formal stand-in for physec_aes_pipe (formal/run.py, proof zero_ksgen): the same ports,
// the same in_drop, and the valid bits and tags through the same delay line (u_side, of
// the pipe's own latency physec_aes_pkg::pipe_latency), so the caller's credit and FIFO
// logic sees the pipe's timing exactly.  The block out is left undriven, which SymbiYosys
// makes a free value each clock: the caller's properties must hold whatever the pipe
// computes.  The encryption and the pipe's own zeroisation are proven on the real pipe
// (proofs zero_pipe, zero_pipe2).

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

  localparam int LATENCY = physec_aes_pkg::pipe_latency((RPR == 2) ? 2 : 1);

  wire logic take = in_valid && key_ready;

  always_ff @(posedge clk) begin
    if (rst) in_drop <= 1'b0;
    else     in_drop <= in_valid && !key_ready;
  end

  physec_pipe #(.WIDTH(TAG_W), .DEPTH(LATENCY)) u_side (
    .clk, .rst, .in_valid(take), .in_data(in_tag), .out_valid, .out_data(out_tag)
  );

  logic [127:0] free_blk;               // undriven: a free value (setundef -anyseq)
  assign out_blk = free_blk;
  wire logic unused = &{1'b0, clr, rk_len, round_keys, in_blk};

endmodule

`default_nettype wire
