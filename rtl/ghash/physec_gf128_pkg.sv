// SPDX-License-Identifier: Apache-2.0
//
// physec_gf128_pkg: GF(2^128) helpers for GHASH (NIST SP 800-38D, section 6.3): the
// squarer of physec_ghash's key install (even powers of H), and the two halves of
// physec_gf128_mul's split multiply, computed in GCM's order directly: gf128_pp (the
// partial products, registered by the caller) and gf128_pp_reduce (their sum, reduced).
//
// Bit order (the same in every GHASH file):
//   A block is 16 bytes.  In RTL a block is `logic [127:0] x` with byte 0 in
//   x[127:120] (byte 0's MSB is x[127]), i.e. the integer of the model
//   (physec.gcm: int.from_bytes(block, "big")).  GCM reads the block as a field
//   element in the "reflected" convention: the coefficient of x^0 is x[127] and
//   the coefficient of x^i is x[127-i].  So 1 = 128'h8000...0, multiplying by x
//   is a right shift, and the reduction constant is R = 8'hE1 << 120
//   (x^128 = x^7 + x^2 + x + 1).
//
// Inside the arithmetic it is easier to think in plain polynomial order, bit i =
// coefficient of x^i; gf128_reflect converts between the two (wiring only).  The
// functions below named *_poly work in polynomial order.

`default_nettype none

package physec_gf128_pkg;

  // GCM block order <-> polynomial order: bit i <-> bit 127-i.  Its own inverse.
  function automatic logic [127:0] gf128_reflect(input logic [127:0] v);
    logic [127:0] r;
    for (int i = 0; i < 128; i++) r[i] = v[127-i];
    return r;
  endfunction

  // Reduce a product of two degree-127 polynomials (degree <= 254, bit k = x^k)
  // modulo P(x) = x^128 + x^7 + x^2 + x + 1, polynomial order in and out.
  // The high part hi (x^128..x^254) folds down as hi * (x^7 + x^2 + x + 1); that
  // fold reaches up to x^133, so its top 6 bits fold a second time (degree <= 12,
  // done).  Logic depth: every output bit is the XOR of at most 8 input bits
  // (p_k, four from the first fold, three from the second), i.e. 3 XOR2 levels.
  function automatic logic [127:0] gf128_reduce_poly(input logic [254:0] p);
    logic [126:0] hi;
    logic [133:0] f1;      // hi * (x^7 + x^2 + x + 1), degree <= 133
    logic [5:0]   hi2;     // f1's coefficients of x^128..x^133
    logic [12:0]  f2;      // hi2 * (x^7 + x^2 + x + 1), degree <= 12
    hi  = p[254:128];
    f1  = {7'b0, hi} ^ {6'b0, hi, 1'b0} ^ {5'b0, hi, 2'b0} ^ {hi, 7'b0};
    hi2 = f1[133:128];
    f2  = {7'b0, hi2} ^ {6'b0, hi2, 1'b0} ^ {5'b0, hi2, 2'b0} ^ {hi2, 7'b0};
    return p[127:0] ^ f1[127:0] ^ {115'b0, f2};
  endfunction

  // X * X in GCM order.  Squaring is linear over GF(2): the square of
  // sum a_i x^i is sum a_i x^(2i) (cross terms cancel in pairs), then reduce.
  // No AND gates; each output bit is an XOR of a handful of input bits (a few
  // hundred XOR2 in all), so H^2 costs far less than a second multiplier.
  function automatic logic [127:0] gf128_square(input logic [127:0] x);
    logic [127:0] a;
    logic [254:0] s;
    a = gf128_reflect(x);
    s = '0;
    for (int i = 0; i < 128; i++) s[2*i] = a[i];
    return gf128_reflect(gf128_reduce_poly(s));
  endfunction

  // ---- The split multiply (physec_gf128_mul).  x * y = sum_i x_i (y * x^i); the 128
  // terms are cut into PP_GROUPS groups of PP_GS consecutive i.  Group g's partial
  // product, sum over i in [g*PP_GS, (g+1)*PP_GS) of x_i (y * x^(i - g*PP_GS)), has
  // degree < 128 + PP_GS - 1 and is kept in a PP_W-bit frame in GCM's order (the
  // coefficient of x^k in bit PP_W-1-k); the caller registers all of them.  Depth: a bit
  // of a group is the XOR of at most PP_GS = 16 AND terms (32 inputs: 2 LUT6 levels,
  // 1 AND2 + 4 XOR2).  gf128_pp_reduce then XORs the groups, at offsets g*PP_GS, into
  // the 255-bit product and reduces it: an output bit is the XOR of at most 8 product
  // bits, each of at most 8 group bits, i.e. at most 64 register bits (3 LUT6 levels,
  // 6 XOR2).  Both are linear in the partial products, so a caller may XOR the reduced
  // outputs of several multipliers (and a register) in the same clock.
  localparam int PP_GS     = 16;
  localparam int PP_GROUPS = 128 / PP_GS;
  localparam int PP_W      = 128 + PP_GS - 1;
  localparam int PP_BITS   = PP_GROUPS * PP_W;

  function automatic logic [PP_BITS-1:0] gf128_pp(input logic [127:0] x, input logic [127:0] y);
    logic [PP_BITS-1:0] r;
    logic [PP_W-1:0]    acc;
    for (int g = 0; g < PP_GROUPS; g++) begin
      acc = '0;
      for (int i = 0; i < PP_GS; i++)
        if (x[127 - (g * PP_GS + i)]) acc ^= {y, (PP_GS - 1)'(0)} >> i;   // x_(g*GS+i): GCM order
      r[PP_W * g +: PP_W] = acc;
    end
    return r;
  endfunction

  // The product in GCM order (coefficient of x^k in p[254-k]) from the partial
  // products, then reduced mod x^128 + x^7 + x^2 + x + 1: the coefficients of
  // x^128..x^254 fold down times (1 + x + x^2 + x^7), i.e. XORed in shifted right by
  // 0, 1, 2 and 7; that reaches x^133, so the 6 bits beyond x^127 fold once more
  // (gf128_reduce_poly in GCM order).
  function automatic logic [127:0] gf128_pp_reduce(input logic [PP_BITS-1:0] pp);
    logic [254:0] p;
    logic [126:0] hi;
    logic [133:0] f1;
    logic [5:0]   hi2;
    logic [12:0]  f2;
    p = '0;
    for (int g = 0; g < PP_GROUPS; g++)
      p ^= {pp[PP_W * g +: PP_W], (255 - PP_W)'(0)} >> (g * PP_GS);
    hi  = p[126:0];                       // x^128 .. x^254
    f1  = {hi, 7'b0} ^ {1'b0, hi, 6'b0} ^ {2'b0, hi, 5'b0} ^ {7'b0, hi};
    hi2 = f1[5:0];                        // x^128 .. x^133
    f2  = {hi2, 7'b0} ^ {1'b0, hi2, 6'b0} ^ {2'b0, hi2, 5'b0} ^ {7'b0, hi2};
    return p[254:127] ^ f1[133:6] ^ {f2, 115'b0};
  endfunction

endpackage

`default_nettype wire
