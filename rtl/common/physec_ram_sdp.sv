// SPDX-License-Identifier: Apache-2.0
//
// physec_ram_sdp: simple dual-port RAM, one write port and one read port in the same
// clock, registered read (the template FPGA tools map to block RAM / UltraRAM, or LUT
// RAM when small).  No reset: a RAM is not reset; its users keep valid flags.
//
//   we, waddr, wdata   write wdata[W-1:0] at waddr at this edge.
//   re, raddr          read raddr at this edge: rdata shows mem[raddr] from the next
//                      clock on and holds until the next re.  A read of the address
//                      written at the same edge returns the old word (read-first, the
//                      behaviour block RAMs of both major FPGA families offer).
//
// Bit order: opaque words, bit W-1 .. 0 as written.

`default_nettype none

// A standalone block: `make lint` passes all of rtl/ to one Verilator call.
/* verilator lint_off MULTITOP */
module physec_ram_sdp #(
  parameter int W     = 256,
  parameter int DEPTH = 1024,
  localparam int AW   = (DEPTH <= 2) ? 1 : $clog2(DEPTH)
) (
  input  wire logic          clk,
  input  wire logic          we,
  input  wire logic [AW-1:0] waddr,
  input  wire logic [W-1:0]  wdata,
  input  wire logic          re,
  input  wire logic [AW-1:0] raddr,
  output logic [W-1:0]       rdata
);
/* verilator lint_on MULTITOP */

  if (W < 1 || DEPTH < 2) begin : g_bad_params
`ifdef __ICARUS__
    initial $fatal(1, "physec_ram_sdp: W >= 1 and DEPTH >= 2 required");
`else
    $fatal(1, "physec_ram_sdp: W >= 1 and DEPTH >= 2 required");
`endif
  end

  logic [W-1:0] mem [DEPTH];

  always_ff @(posedge clk) begin
    if (we) mem[waddr] <= wdata;
    if (re) rdata <= mem[raddr];
  end

endmodule

`default_nettype wire
