// SPDX-License-Identifier: Apache-2.0
// Depth check (syn/test_synth_flow.py): a 6-input function between registers, one LUT6.
`default_nettype none
module dc_f6 (
  input  wire logic       clk,
  input  wire logic [5:0] x,
  output logic            y
);
  logic [5:0] x_q;
  always_ff @(posedge clk) begin
    x_q <= x;
    y   <= (x_q[0] & x_q[1]) | ((x_q[2] ^ x_q[3]) & (x_q[4] | ~x_q[5]));
  end
endmodule
`default_nettype wire
