// SPDX-License-Identifier: Apache-2.0
// Depth check (syn/test_synth_flow.py): an N-input XOR between registers.  With 6-input
// LUTs it needs ceil(log6 N) levels: 2 for N = 8, 3 for N = 64.
`default_nettype none
module dc_xor #(parameter int N = 8) (
  input  wire logic         clk,
  input  wire logic [N-1:0] x,
  output logic              y
);
  logic [N-1:0] x_q;
  always_ff @(posedge clk) begin
    x_q <= x;
    y   <= ^x_q;
  end
endmodule
`default_nettype wire
