// SPDX-License-Identifier: Apache-2.0
//
// physec_sec_pkg: constants and pure functions of the security stage (spec 6), shared
// by physec_sec_tx and physec_sec_rx.
//
//   crc32_bytes(c, d, n)  CRC-32 of IEEE 802.3 / zlib (reflected polynomial EDB88320):
//                 folds the first n bytes of d into the running register c; d[255:248]
//                 is the first byte, each byte entering LSB first (the reflected CRC).
//                 Start from CRC32_INIT, end with XOR CRC32_XOROUT: that is
//                 zlib.crc32 (model physec.pad.Pad.encode / decode; check value
//                 32'hCBF43926 for ASCII "123456789").  The PAD stores the result
//                 big-endian (PAD bytes P-4..P-1 = crc[31:24] .. crc[7:0]).
//   pad_header(...)       PAD bytes 0..39, the security header (spec 6.2), byte 0 in
//                 bits [319:312]: version, mode, {AN, tag valid, key change pending,
//                 next AN, 00}, 0, PN (big-endian), 28 reserved zero bytes.  Equals the
//                 first 40 bytes of the model's Pad(...).encode(60).
//   GCM_LEN_ENCRYPT / GCM_LEN_AUTH  GCM's last GHASH block len(A)_64 || len(C)_64 of one
//                 100g frame: encrypt: AAD = PAD header + OH = 80 bytes, C = 82,080
//                 bytes; authenticate-only: AAD = 80 + 82,080 bytes, no C.
//
// All functions are combinational XOR networks with constant loop bounds.  The CRC
// belongs with physec_crc_pkg's CRCs (it is the one CRC here that is reflected and
// has an initial value and final XOR); it lives here until that package is opened.

`default_nettype none

// Not every user needs every constant.
/* verilator lint_off UNUSEDPARAM */
package physec_sec_pkg;

  localparam logic [7:0]  PAD_VERSION = 8'd1;
  localparam logic [1:0]  MODE_BYPASS  = 2'd0;
  localparam logic [1:0]  MODE_AUTH    = 2'd1;
  localparam logic [1:0]  MODE_ENCRYPT = 2'd2;

  localparam logic [31:0] CRC32_POLY   = 32'hEDB88320;   // x^32 + ... + 1, reflected
  localparam logic [31:0] CRC32_INIT   = 32'hFFFFFFFF;
  localparam logic [31:0] CRC32_XOROUT = 32'hFFFFFFFF;

  // len(A) || len(C) in bits, 64 bits each (SP 800-38D 7.1 step 5).
  localparam logic [127:0] GCM_LEN_ENCRYPT = {64'd640, 64'd656640};
  localparam logic [127:0] GCM_LEN_AUTH    = {64'd657280, 64'd0};

  // One byte into the reflected CRC register: the byte's LSB enters first.
  function automatic logic [31:0] crc32_byte(input logic [31:0] c, input logic [7:0] b);
    logic [31:0] r;
    r = c ^ {24'h000000, b};
    for (int i = 0; i < 8; i++) r = r[0] ? ((r >> 1) ^ CRC32_POLY) : (r >> 1);
    return r;
  endfunction

  // The first n (<= 32) bytes of d, d[255:248] first.  Constant bound, guarded body:
  // each call site passes a constant n, so synthesis keeps an n-byte XOR network.
  function automatic logic [31:0] crc32_bytes(input logic [31:0] c, input logic [255:0] d,
                                              input int n);
    logic [31:0] r;
    r = c;
    for (int k = 0; k < 32; k++) begin
      if (k < n) r = crc32_byte(r, d[255-8*k -: 8]);
    end
    return r;
  endfunction

  function automatic logic [319:0] pad_header(input logic [1:0] mode, input logic [1:0] an,
                                              input logic tag_valid, input logic kcp,
                                              input logic [1:0] next_an, input logic [63:0] pn);
    return {PAD_VERSION, 6'd0, mode, an, tag_valid, kcp, next_an, 2'b00, 8'h00, pn, 224'd0};
  endfunction

endpackage
/* verilator lint_on UNUSEDPARAM */

`default_nettype wire
