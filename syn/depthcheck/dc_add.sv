// SPDX-License-Identifier: Apache-2.0
// Depth check of `make synth`'s FPGA flow (syn/test_synth_flow.py): a registered W-bit
// adder.  Expected: W/4 CARRY4 = W/8 CARRY8 and one LUT2 per bit (the propagate term);
// the worst path enters the chain through a LUT and leaves it at the top sum bit.
`default_nettype none
module dc_add #(parameter int W = 64) (
  input  wire logic         clk,
  input  wire logic [W-1:0] a, b,
  output logic      [W-1:0] s
);
  logic [W-1:0] a_q, b_q;
  always_ff @(posedge clk) begin
    a_q <= a;
    b_q <= b;
    s   <= a_q + b_q;
  end
endmodule
`default_nettype wire
