// SPDX-License-Identifier: Apache-2.0
// Depth check (syn/test_synth_flow.py): an N:1 multiplexer between registers, written as
// a priority-free `case`-like loop (Yosys' -widemux maps a mux tree of this form; an
// indexed part-select d_q[sel_q] becomes a shifter it does not touch).  4:1 is one LUT6;
// 16:1 is four LUT6 (4:1 each), two MUXF7 and one MUXF8: 3 levels.
`default_nettype none
module dc_mux #(parameter int N = 4) (
  input  wire logic                 clk,
  input  wire logic [N-1:0]         d,
  input  wire logic [$clog2(N)-1:0] sel,
  output logic                      y
);
  logic [N-1:0]         d_q;
  logic [$clog2(N)-1:0] sel_q;
  logic                 m;
  always_comb begin
    m = 1'b0;
    for (int i = 0; i < N; i++) if (int'(sel_q) == i) m = d_q[i];
  end
  always_ff @(posedge clk) begin
    d_q   <= d;
    sel_q <= sel;
    y     <= m;
  end
endmodule
`default_nettype wire
