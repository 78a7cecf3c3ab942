// SPDX-License-Identifier: Apache-2.0
//
// physec_crc_pkg: the CRCs of the frame overhead (spec 4.4, 5.4).  Each function
// equals the model function of the same name in physec.crc, bit for bit: an
// unreflected MSB-first polynomial division with no final XOR.
//
//   crc8_jc(d)           d[15:0] = {JC1, JC2}; d[15] (JC1 bit 1 = MSB) enters first.
//                        g(x) = x^8 + x^3 + x^2 + 1, initial 0 -> JC3.
//   crc5_jc(cnd)         cnd[9:0] = D1..D10, D1 = cnd[9] enters first.
//                        g(x) = x^5 + x + 1, initial 0 -> JC6[4:0].
//   crc16_oh_byte(c, b)  one byte b[7:0] (b[7] first) into the running CRC c;
//                        g(x) = x^16 + x^12 + x^5 + 1 (CRC-16/CCITT-FALSE).
//                        Start from CRC16_OH_INIT and fold the bytes in line
//                        order: that is physec.crc.crc16_oh (check value 16'h29B1
//                        for ASCII "123456789").
//
// All functions are pure combinational XOR networks (constant loop bounds), usable
// in always_ff / assign by transmitter and receiver alike.  A byte-wise update keeps
// the package independent of any OH length.

`default_nettype none

package physec_crc_pkg;

  localparam logic [7:0]  CRC8_JC_POLY  = 8'h0D;      // x^8 + x^3 + x^2 + 1
  localparam logic [4:0]  CRC5_JC_POLY  = 5'h03;      // x^5 + x + 1
  localparam logic [15:0] CRC16_OH_POLY = 16'h1021;   // x^16 + x^12 + x^5 + 1
  localparam logic [15:0] CRC16_OH_INIT = 16'hFFFF;

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

  function automatic logic [15:0] crc16_oh_byte(input logic [15:0] crc, input logic [7:0] b);
    logic [15:0] r;
    r = crc;
    for (int i = 7; i >= 0; i--) begin
      r = (r[15] ^ b[i]) ? ({r[14:0], 1'b0} ^ CRC16_OH_POLY) : {r[14:0], 1'b0};
    end
    return r;
  endfunction

endpackage

`default_nettype wire
