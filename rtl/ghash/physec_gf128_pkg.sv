// SPDX-License-Identifier: Apache-2.0
//
// physec_gf128_pkg: GF(2^128) helpers for GHASH (NIST SP 800-38D, section 6.3):
// the squarer of physec_ghash (H^2 at key install).  physec_gf128_mul computes in
// GCM's order directly, with the same reduction written out as nets.
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

endpackage

`default_nettype wire
