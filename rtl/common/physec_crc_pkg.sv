// SPDX-License-Identifier: Apache-2.0
//
// physec_crc_pkg: the CRCs of the frame overhead (spec 4.4, 5.4).  Each equals the
// model function of its name in physec.crc (crc16_oh: by crc16_oh_apply, below), bit
// for bit: an unreflected MSB-first polynomial division with no final XOR.
//
//   crc8_jc(d)           d[15:0] = {JC1, JC2}; d[15] (JC1 bit 1 = MSB) enters first.
//                        g(x) = x^8 + x^3 + x^2 + 1, initial 0 -> JC3.
//   crc5_jc(cnd)         cnd[9:0] = D1..D10, D1 = cnd[9] enters first.
//                        g(x) = x^5 + x + 1, initial 0 -> JC6[4:0].
//   crc16_oh_matrix(n)   (elaboration only, for a localparam) the CRC over an n-byte
//                        message (n <= CRC16_MAXB) as a matrix: row j = the bits of
//                        {c, d} whose XOR is bit j of the result, for a message d of
//                        CRC16_DW bits holding its n bytes at the bottom, byte 0 (first)
//                        in d[8n-1:8n-8], each byte's bit 7 first, so d[8n-1] enters
//                        first; bits above 8n unused.  c = the register before the
//                        message, d = the message, g(x) = x^16 + x^12 + x^5 + 1
//                        (CRC-16/CCITT-FALSE).
//   crc16_oh_apply(m, c, d)  the register after message d by matrix m.  With
//                        m = crc16_oh_matrix(n), c = CRC16_OH_INIT: physec.crc.crc16_oh
//                        (check value 16'h29B1 for ASCII "123456789").
//
// crc8_jc and crc5_jc are bit-serial loops (16 and 10 steps).  The OH CRC-16 is
// applied as a matrix: each bit one balanced XOR tree over at most 16 + 8n inputs
// (synthesis tools do not re-associate a serial loop's XOR chain, 8n steps deep).  The
// matrix comes from the serial definition (the loop in crc16_oh_matrix, the reference),
// run on every unit vector of {c, d}: the CRC is linear in {c, d} (no final XOR; the
// initial value is the c the caller passes).  It runs bit-sliced (all unit vectors in
// one pass: 8n steps, within the constant-evaluation limits of Verilator and slang at
// 400g) and inline (Icarus 11 evaluates no function call inside a constant function).
// All functions are combinational with constant loop bounds.

`default_nettype none

package physec_crc_pkg;

  localparam logic [7:0]  CRC8_JC_POLY  = 8'h0D;      // x^8 + x^3 + x^2 + 1
  localparam logic [4:0]  CRC5_JC_POLY  = 5'h03;      // x^5 + x + 1
  localparam logic [15:0] CRC16_OH_POLY = 16'h1021;   // x^16 + x^12 + x^5 + 1
  localparam logic [15:0] CRC16_OH_INIT = 16'hFFFF;
  localparam int          CRC16_MAXB    = 160;        // longest message of a matrix, bytes
                                                      // (the 400g OH is 160 bytes)
  localparam int          CRC16_DW      = 8 * CRC16_MAXB;   // message d of a matrix
  localparam int          CRC16_MW      = 16 + CRC16_DW;    // matrix row: over {c, d}

  function automatic logic [7:0] crc8_jc(input logic [15:0] d);
    logic [7:0] r;
    r = '0;
    for (int i = 15; i >= 0; i--) begin
      r = (r[7] ^ d[i]) ? ({r[6:0], 1'b0} ^ CRC8_JC_POLY) : {r[6:0], 1'b0};
    end
    return r;
  endfunction

  function automatic logic [4:0] crc5_jc(input logic [9:0] cnd);
    logic [4:0] r;
    r = '0;
    for (int i = 9; i >= 0; i--) begin
      r = (r[4] ^ cnd[i]) ? ({r[3:0], 1'b0} ^ CRC5_JC_POLY) : {r[3:0], 1'b0};
    end
    return r;
  endfunction

  // The serial definition, MSB first: per message bit x (d[8n-1] first)
  //   r = (r[15] ^ x) ? ({r[14:0], 1'b0} ^ CRC16_OH_POLY) : {r[14:0], 1'b0}
  // run on every unit vector of {c, d} at once, bit-sliced: register bit j is row j,
  // whose lane i is that bit in the run on unit vector i (flat, row j at
  // m[CRC16_MW*j +: CRC16_MW]: Icarus 11 has no 2-D localparam).
  /* verilator coverage_off */  // elaboration only: sizes or fills a localparam
  function automatic logic [16*CRC16_MW-1:0] crc16_oh_matrix(input int n);
    logic [16*CRC16_MW-1:0] m;
    logic [CRC16_MW-1:0]    fb;
    for (int j = 0; j < 16; j++) m[CRC16_MW*j +: CRC16_MW] = CRC16_MW'(1) << (CRC16_DW + j);
    for (int k = n - 1; k >= 0; k--) begin                             // byte n-1-k
      for (int b = 7; b >= 0; b--) begin
        fb = m[CRC16_MW*15 +: CRC16_MW] ^ (CRC16_MW'(1) << (8 * k + b));   // r[15] ^ x
        for (int j = 15; j > 0; j--) begin
          m[CRC16_MW*j +: CRC16_MW] = m[CRC16_MW*(j-1) +: CRC16_MW] ^ (CRC16_OH_POLY[j] ? fb : '0);
        end
        m[0 +: CRC16_MW] = CRC16_OH_POLY[0] ? fb : '0;
      end
    end
    return m;
  endfunction
  /* verilator coverage_on */

  function automatic logic [15:0] crc16_oh_apply(input logic [16*CRC16_MW-1:0] m,
                                                 input logic [15:0] c, input logic [CRC16_DW-1:0] d);
    logic [15:0] r;
    for (int j = 0; j < 16; j++) r[j] = ^(m[CRC16_MW*j +: CRC16_MW] & {c, d});
    return r;
  endfunction

endpackage

`default_nettype wire
