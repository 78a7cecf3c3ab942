// SPDX-License-Identifier: Apache-2.0
//
// tb_gf128_mul: test wrapper, physec_gf128_mul with its caller's register, as
// physec_ghash uses it: a two-stage pipelined multiplier.  in_valid loads the partial
// products (en), a clock later out_z is registered; out_valid is in_valid 2 clocks
// later.  Bubbles leave the partial products held (en = 0), so garbage operands in a
// bubble must not reach a later out_z.  clr (over in_valid) zeroises the partial
// products and the output register.
//
// Bit order: as physec_gf128_mul (byte 0 of a block in bits 127:120, GCM's reflected
// field element: x^0 is bit 127).

`default_nettype none

module tb_gf128_mul (
  input  wire logic         clk,
  input  wire logic         rst,
  input  wire logic         clr,
  input  wire logic         in_valid,
  input  wire logic [127:0] in_x,
  input  wire logic [127:0] in_y,
  output logic              out_valid,
  output logic [127:0]      out_z
);

  logic [127:0] z;
  logic         v1_q;

  physec_gf128_mul u_mul (
    .clk  (clk),
    .clr  (clr),
    .en   (in_valid),
    .in_x (in_x),
    .in_y (in_y),
    .out_z(z)
  );

  always_ff @(posedge clk) begin
    if (rst) begin
      v1_q      <= 1'b0;
      out_valid <= 1'b0;
    end else begin
      v1_q      <= in_valid;
      out_valid <= v1_q;
    end
    if (clr)       out_z <= '0;
    else if (v1_q) out_z <= z;
  end

endmodule

`default_nettype wire
