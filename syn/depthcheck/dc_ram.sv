// SPDX-License-Identifier: Apache-2.0
// Depth check (syn/test_synth_flow.py): the RAM template rtl/common/physec_sdp_ram.sv
// between registers.  RD_LATENCY = 0, 64 x 257 (the GMP mapper's FIFO): LUT RAM, 37
// RAM64M8 (7 bits each in simple dual-port use) = 296 LUTs, the read one LUT level.
// RD_LATENCY = 1, 1024 x 32: one RAMB36E2, no logic level on either side.
`default_nettype none
module dc_ram #(parameter int WIDTH = 257, parameter int DEPTH = 64, parameter int RD_LATENCY = 0) (
  input  wire logic                     clk,
  input  wire logic                     we,
  input  wire logic [$clog2(DEPTH)-1:0] waddr, raddr,
  input  wire logic [WIDTH-1:0]         wdata,
  output logic      [WIDTH-1:0]         rdata
);
  logic                     we_q;
  logic [$clog2(DEPTH)-1:0] wa_q, ra_q;
  logic [WIDTH-1:0]         wd_q, rd;
  always_ff @(posedge clk) begin
    we_q  <= we;
    wa_q  <= waddr;
    ra_q  <= raddr;
    wd_q  <= wdata;
    rdata <= rd;
  end
  physec_sdp_ram #(.WIDTH(WIDTH), .DEPTH(DEPTH), .RD_LATENCY(RD_LATENCY)) u_ram (
    .clk, .we(we_q), .waddr(wa_q), .wdata(wd_q), .raddr(ra_q), .rdata(rd));
endmodule
`default_nettype wire
