// SPDX-License-Identifier: Apache-2.0
//
// physec_aes_pkg: AES (FIPS-197) building blocks shared by the key expansion
// (physec_aes_keyexp) and the pipelined cipher (physec_aes_pipe): xtime, MixColumns
// of one column, RotWord/Rcon and the pipeline geometry (the S-box is the module
// physec_aes_sbox, see there why).
// Encryption only: CTR/GCM never needs the inverse cipher.
//
// Bit and byte order (the same in every rtl/aes file):
//   A 128-bit block is the 16 bytes in[0..15] of FIPS-197 3.4.  In RTL,
//   `logic [127:0] blk` holds byte k in blk[127-8k -: 8], i.e. byte 0 in
//   blk[127:120] and byte 15 in blk[7:0]; within a byte, bit 7 is the MSB as
//   in FIPS-197 3.2.  This is SP 800-38D's block-as-integer convention and the
//   model's int.from_bytes(block, "big"), so a hex literal of the block reads
//   like the FIPS-197 / CAVP hex strings.
//   The state s[r,c] = in[r + 4c] (FIPS-197 3.4): column c is the 32-bit word
//   blk[127-32c -: 32] with row 0 in its top byte.  A word [a0,a1,a2,a3]
//   (FIPS-197 3.5, key schedule words w[i]) is `logic [31:0]` with a0 in
//   [31:24], so column c of a round key is word w[4*round + c].
//   Keys: key byte k in key[255-8k -: 8]: AES-256 uses key[255:0] (byte 0 in
//   key[255:248]), AES-128 uses key[255:128] (byte 0 in key[255:248] too) and
//   ignores key[127:0].
//

`default_nettype none

package physec_aes_pkg;

  // ---- Key lengths (the key_len inputs).
  localparam logic KEY_LEN_128 = 1'b0;   // Nk = 4, Nr = 10
  localparam logic KEY_LEN_256 = 1'b1;   // Nk = 8, Nr = 14

  // ---- Pipeline geometry.  The cipher always has the AES-256 depth: an AES-128
  // block passes the first NPASS round stages unchanged (see physec_aes_pipe),
  // so latency and key timing do not depend on the key length.
  localparam int NR     = 14;            // rounds of AES-256
  localparam int NR_128 = 10;            // rounds of AES-128
  localparam int NPASS  = NR - NR_128;   // pass-through round stages for AES-128
  localparam int NSLOT  = NR + 1;        // round key slots 0..NR

  // Latency of physec_aes_pipe in clocks for RPR registers per round: the
  // input register (AddRoundKey with round key 0) plus RPR per round.
  /* verilator coverage_off */  // elaboration only: sizes or fills a localparam
  function automatic int pipe_latency(input int rpr);
    pipe_latency = 1 + NR * rpr;
  endfunction
  /* verilator coverage_on */

  // ---- Multiplication by x ({02}) in GF(2^8) (FIPS-197 4.2.1).
  function automatic logic [7:0] xtime(input logic [7:0] b);
    xtime = {b[6:0], 1'b0} ^ (b[7] ? 8'h1b : 8'h00);
  endfunction

  // ---- Key schedule helpers (FIPS-197 5.2); words as [a0,a1,a2,a3], a0 in [31:24].
  // RotWord: [a0,a1,a2,a3] -> [a1,a2,a3,a0] (SubWord is four physec_aes_sbox).
  function automatic logic [31:0] rot_word(input logic [31:0] w);
    rot_word = {w[23:0], w[31:24]};
  endfunction

  // Rcon[i] = [x^(i-1), 0, 0, 0] for i = 1..10 (FIPS-197 5.2); other i give 0.
  // The key expansion steps an xtime register instead; this table is the
  // documentation and lets a testbench check it.
  function automatic logic [31:0] rcon(input int i);
    case (i)
      1:       rcon = 32'h01000000;
      2:       rcon = 32'h02000000;
      3:       rcon = 32'h04000000;
      4:       rcon = 32'h08000000;
      5:       rcon = 32'h10000000;
      6:       rcon = 32'h20000000;
      7:       rcon = 32'h40000000;
      8:       rcon = 32'h80000000;
      9:       rcon = 32'h1b000000;
      10:      rcon = 32'h36000000;
      default: rcon = 32'h00000000;
    endcase
  endfunction

  // ---- MixColumns (FIPS-197 5.1.3) on one column [a0,a1,a2,a3]; the pipe
  // applies it to each column (SubBytes and ShiftRows are written out there):
  //   b0 = 2a0 ^ 3a1 ^  a2 ^  a3      b2 =  a0 ^  a1 ^ 2a2 ^ 3a3
  //   b1 =  a0 ^ 2a1 ^ 3a2 ^  a3      b3 = 3a0 ^  a1 ^  a2 ^ 2a3
  // with 3a = xtime(a) ^ a.  Each output bit is an XOR of at most 7 input bits.
  function automatic logic [31:0] mix_column(input logic [31:0] w);
    logic [7:0] a0, a1, a2, a3;
    {a0, a1, a2, a3} = w;
    mix_column = {xtime(a0) ^ xtime(a1) ^ a1 ^ a2 ^ a3,
                  a0 ^ xtime(a1) ^ xtime(a2) ^ a2 ^ a3,
                  a0 ^ a1 ^ xtime(a2) ^ xtime(a3) ^ a3,
                  xtime(a0) ^ a0 ^ a1 ^ a2 ^ xtime(a3)};
  endfunction

endpackage

`default_nettype wire
