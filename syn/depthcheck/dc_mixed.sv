// SPDX-License-Identifier: Apache-2.0
// Depth check (syn/test_synth_flow.py): the deepest path is not the worst one.  A 64-bit
// adder (1 LUT + 8 CARRY8 = 9 levels, 0.40 + 0.45 + 0.45 + 7 * 0.05 = 1.65 ns) beside a
// 128-input XOR (3 LUT6 levels, 36 < 128 <= 216; 0.40 + 3 * 0.45 = 1.75 ns).
`default_nettype none
module dc_mixed (
  input  wire logic        clk,
  input  wire logic [63:0] a, b,
  output logic      [63:0] s,
  output logic             p
);
  logic [63:0] a_q, b_q;
  always_ff @(posedge clk) begin
    a_q <= a;
    b_q <= b;
    s   <= a_q + b_q;
    p   <= ^(a_q ^ {b_q[31:0], b_q[63:32]});
  end
endmodule
`default_nettype wire
