// SPDX-License-Identifier: Apache-2.0
//
// physec_gf128_mul: Z = X * Y in GF(2^128), GCM's field (NIST SP 800-38D 6.3), split in
// two halves for a clock of about 4 LUT levels: the partial products are registered
// here, their sum and the reduction (out_z) are combinational from that register, so
// that the caller can XOR several products (and other terms) before its own register.
// Registered by the caller, out_z is a two-stage pipelined multiplier; out_z = the
// model function physec.gcm.gf_mult(x, y) of the operands loaded last, bit for bit.
//
// Bit order: a block is 16 bytes; `logic [127:0] x` holds byte 0 in x[127:120] (the
// model's int.from_bytes(block, "big")).  GCM's field element is reflected: the
// coefficient of x^0 is x[127], of x^i is x[127-i]; 1 is 128'h80..0, multiplying by x
// is a right shift with reduction constant R = 8'hE1 << 120 (see physec_gf128_pkg).
//
// Ports:
//   en            load the partial products of in_x * in_y (else they hold: a loop can
//                 advance only on beats)
//   clr           synchronous, over en: partial products to 0 (then out_z = 0).  They
//                 hold key-derived data, so physec_ghash zeroises them with its key.
//   out_z         the product of the operands of the last load (GCM order)
//
// Depth (physec_gf128_pkg: gf128_pp, gf128_pp_reduce): operands to register, 1 AND2 + 4
// XOR2 (2 LUT6 levels: 16 AND terms per bit); register to out_z, 6 XOR2 (3 LUT6 levels:
// at most 64 register bits per output bit).  Area: 16,384 AND2, about 16,000 XOR2 in
// the groups, about 1,000 + 500 XOR2 to sum and reduce, 8 x 143 = 1,144 flip-flops.

`default_nettype none

// A standalone block: `make lint` passes all of rtl/ to one Verilator call, where
// every such block is a top level module by design.
/* verilator lint_off MULTITOP */
module physec_gf128_mul (
  input  wire logic         clk,
  input  wire logic         clr,
  input  wire logic         en,
  input  wire logic [127:0] in_x,
  input  wire logic [127:0] in_y,
  output logic [127:0]      out_z
);
/* verilator lint_on MULTITOP */

  import physec_gf128_pkg::*;

  logic [PP_BITS-1:0] pp_q;

  always_ff @(posedge clk) begin
    if (clr)     pp_q <= '0;
    else if (en) pp_q <= gf128_pp(in_x, in_y);
  end

  assign out_z = gf128_pp_reduce(pp_q);

endmodule

`default_nettype wire
