// SPDX-License-Identifier: Apache-2.0
//
// physec_sdp_ram: simple dual-port RAM (one write port, one read port, one clock) in
// the form FPGA synthesis infers as RAM rather than flip-flops: with RD_LATENCY = 0
// distributed (LUT) RAM, with RD_LATENCY = 1 block RAM (or LUT RAM and a register,
// the tool's choice by size).  syn/depthcheck/ checks both inferences (`make synth`).
//
// Ports (no reset: the words hold whatever was written, X in simulation before that):
//   we, waddr, wdata   write wdata into word waddr at the rising edge of a clock with
//                      we = 1.
//   raddr, rdata       RD_LATENCY = 0 (asynchronous read): rdata = word raddr in the same
//                      clock; a word written in clock c reads back from clock c + 1 on
//                      (the write lands at the edge that ends clock c).
//                      RD_LATENCY = 1 (registered read): rdata in clock c + 1 = word raddr
//                      of clock c as it was at the start of clock c (a read of the word
//                      being written returns the old data).
//   Addresses are 0 .. DEPTH-1 (the caller keeps them in range).  Bit order: none
//   imposed, rdata[i] is the wdata[i] that was written.
//
// Bad parameters (WIDTH < 1, DEPTH < 2, RD_LATENCY not 0 or 1) stop elaboration.

`default_nettype none

module physec_sdp_ram #(
  parameter int WIDTH      = 1,
  parameter int DEPTH      = 2,
  parameter int RD_LATENCY = 0,
  localparam int AW = (DEPTH > 2) ? $clog2(DEPTH) : 1
) (
  input  wire logic             clk,
  input  wire logic             we,
  input  wire logic [AW-1:0]    waddr,
  input  wire logic [WIDTH-1:0] wdata,
  input  wire logic [AW-1:0]    raddr,
  output logic      [WIDTH-1:0] rdata
);

  if (WIDTH < 1 || DEPTH < 2 || (RD_LATENCY != 0 && RD_LATENCY != 1)) begin : g_bad_params
`ifdef __ICARUS__
    initial $fatal(1, "physec_sdp_ram: need WIDTH >= 1, DEPTH >= 2, RD_LATENCY 0 or 1");
`else
    $fatal(1, "physec_sdp_ram: need WIDTH >= 1, DEPTH >= 2, RD_LATENCY 0 or 1");
`endif
  end

  logic [WIDTH-1:0] mem [DEPTH];

  always_ff @(posedge clk) begin
    if (we) mem[waddr] <= wdata;
  end

  if (RD_LATENCY == 0) begin : g_async
    assign rdata = mem[raddr];
  end else begin : g_reg
    always_ff @(posedge clk) rdata <= mem[raddr];
  end

endmodule

`default_nettype wire
