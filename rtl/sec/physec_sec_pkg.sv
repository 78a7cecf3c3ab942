// SPDX-License-Identifier: Apache-2.0
//
// physec_sec_pkg: constants and pure functions of the security stage (spec 6), shared
// by physec_sec_tx and physec_sec_rx.
//
//   crc32_matrix(n)       (elaboration only, for a localparam) CRC-32 of IEEE 802.3 /
//                 zlib (reflected polynomial EDB88320) over an n-byte message (n <=
//                 CRC32_MAXB) as a matrix: row j = the bits of {c, d} whose XOR is bit
//                 j of the result, for a message d of CRC32_DW bits holding its n bytes
//                 at the bottom, byte 0 (first) in d[8n-1:8n-8], each byte entering LSB
//                 first (the reflected CRC); bits above 8n unused.  c = the register
//                 before the message.  The matrix comes from the serial definition (the
//                 loop in crc32_matrix, the reference) run on every unit vector of
//                 {c, d} (the CRC is linear in {c, d}), bit-sliced (all in one pass)
//                 and inline (Icarus 11 evaluates no function call inside a constant
//                 function).
//   crc32_apply(m, c, d)  the register after message d by matrix m: per bit a
//                 balanced XOR tree over at most 32 + 8n inputs (synthesis does not
//                 re-associate a serial loop's XOR chain).  Start from CRC32_INIT, end
//                 with XOR CRC32_XOROUT: that is zlib.crc32 (model
//                 physec.pad.Pad.encode / decode; check value 32'hCBF43926 for ASCII
//                 "123456789").  The PAD stores the result big-endian (PAD bytes
//                 P-4..P-1 = crc[31:24] .. crc[7:0]).
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
  localparam int          CRC32_MAXB   = 40;              // the PAD header, physec_sec_tx
  localparam int          CRC32_DW     = 8 * CRC32_MAXB;    // message d of a matrix
  localparam int          CRC32_MW     = 32 + CRC32_DW;     // matrix row: over {c, d}

  // len(A) || len(C) in bits, 64 bits each (SP 800-38D 7.1 step 5).
  localparam logic [127:0] GCM_LEN_ENCRYPT = {64'd640, 64'd656640};
  localparam logic [127:0] GCM_LEN_AUTH    = {64'd657280, 64'd0};

  // The serial definition, reflected: per message bit x (bytes in order, each LSB first)
  //   r = (r[0] ^ x) ? ((r >> 1) ^ CRC32_POLY) : (r >> 1)
  // run on every unit vector of {c, d} at once, bit-sliced: register bit j is row j,
  // whose lane i is that bit in the run on unit vector i (flat, row j at
  // m[CRC32_MW*j +: CRC32_MW]: Icarus 11 has no 2-D localparam).
  /* verilator coverage_off */  // elaboration only: sizes or fills a localparam
  function automatic logic [32*CRC32_MW-1:0] crc32_matrix(input int n);
    logic [32*CRC32_MW-1:0] m;
    logic [CRC32_MW-1:0]    fb;
    for (int j = 0; j < 32; j++) m[CRC32_MW*j +: CRC32_MW] = CRC32_MW'(1) << (CRC32_DW + j);
    for (int k = n - 1; k >= 0; k--) begin                              // byte n-1-k
      for (int b = 0; b < 8; b++) begin
        fb = m[0 +: CRC32_MW] ^ (CRC32_MW'(1) << (8 * k + b));           // r[0] ^ x
        for (int j = 0; j < 31; j++) begin
          m[CRC32_MW*j +: CRC32_MW] = m[CRC32_MW*(j+1) +: CRC32_MW] ^ (CRC32_POLY[j] ? fb : '0);
        end
        m[CRC32_MW*31 +: CRC32_MW] = CRC32_POLY[31] ? fb : '0;
      end
    end
    return m;
  endfunction
  /* verilator coverage_on */

  function automatic logic [31:0] crc32_apply(input logic [32*CRC32_MW-1:0] m,
                                              input logic [31:0] c, input logic [CRC32_DW-1:0] d);
    logic [31:0] r;
    for (int j = 0; j < 32; j++) r[j] = ^(m[CRC32_MW*j +: CRC32_MW] & {c, d});
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
