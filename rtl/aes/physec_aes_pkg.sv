// SPDX-License-Identifier: Apache-2.0
//
// physec_aes_pkg: AES (FIPS-197) building blocks shared by the key expansion
// (physec_aes_keyexp) and the pipelined cipher (physec_aes_pipe): the S-box,
// xtime, MixColumns of one column, SubWord/RotWord/Rcon and the pipeline geometry.
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
// The S-box table (SBOX_TABLE) was generated from its FIPS-197 5.1.1 definition
// (multiplicative inverse in GF(2^8) mod x^8+x^4+x^3+x+1, 0 -> 0, then the
// affine map b ^ rotl(b,1) ^ rotl(b,2) ^ rotl(b,3) ^ rotl(b,4) ^ 0x63);
// tb/aes/test_aes.py re-derives it from that definition and compares it with
// this file entry by entry.

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

  // ---- S-box (FIPS-197 5.1.1, Fig. 7): SBOX_TABLE lists S(0x00), S(0x01), ...,
  // S(0xff) in reading order, so S(x) is SBOX_TABLE[2047-8x -: 8].  A constant
  // table rather than a case statement: synthesis infers the same 8-input LUT
  // / ROM per output bit either way, but Verilator turns a case into a tree
  // of 8 data-dependent branches per lookup and a table into one indexed load,
  // which makes the simulation several times faster.
  localparam logic [2047:0] SBOX_TABLE = {
    8'h63, 8'h7c, 8'h77, 8'h7b, 8'hf2, 8'h6b, 8'h6f, 8'hc5, 8'h30, 8'h01, 8'h67, 8'h2b, 8'hfe, 8'hd7, 8'hab, 8'h76,   // 00..0f
    8'hca, 8'h82, 8'hc9, 8'h7d, 8'hfa, 8'h59, 8'h47, 8'hf0, 8'had, 8'hd4, 8'ha2, 8'haf, 8'h9c, 8'ha4, 8'h72, 8'hc0,   // 10..1f
    8'hb7, 8'hfd, 8'h93, 8'h26, 8'h36, 8'h3f, 8'hf7, 8'hcc, 8'h34, 8'ha5, 8'he5, 8'hf1, 8'h71, 8'hd8, 8'h31, 8'h15,   // 20..2f
    8'h04, 8'hc7, 8'h23, 8'hc3, 8'h18, 8'h96, 8'h05, 8'h9a, 8'h07, 8'h12, 8'h80, 8'he2, 8'heb, 8'h27, 8'hb2, 8'h75,   // 30..3f
    8'h09, 8'h83, 8'h2c, 8'h1a, 8'h1b, 8'h6e, 8'h5a, 8'ha0, 8'h52, 8'h3b, 8'hd6, 8'hb3, 8'h29, 8'he3, 8'h2f, 8'h84,   // 40..4f
    8'h53, 8'hd1, 8'h00, 8'hed, 8'h20, 8'hfc, 8'hb1, 8'h5b, 8'h6a, 8'hcb, 8'hbe, 8'h39, 8'h4a, 8'h4c, 8'h58, 8'hcf,   // 50..5f
    8'hd0, 8'hef, 8'haa, 8'hfb, 8'h43, 8'h4d, 8'h33, 8'h85, 8'h45, 8'hf9, 8'h02, 8'h7f, 8'h50, 8'h3c, 8'h9f, 8'ha8,   // 60..6f
    8'h51, 8'ha3, 8'h40, 8'h8f, 8'h92, 8'h9d, 8'h38, 8'hf5, 8'hbc, 8'hb6, 8'hda, 8'h21, 8'h10, 8'hff, 8'hf3, 8'hd2,   // 70..7f
    8'hcd, 8'h0c, 8'h13, 8'hec, 8'h5f, 8'h97, 8'h44, 8'h17, 8'hc4, 8'ha7, 8'h7e, 8'h3d, 8'h64, 8'h5d, 8'h19, 8'h73,   // 80..8f
    8'h60, 8'h81, 8'h4f, 8'hdc, 8'h22, 8'h2a, 8'h90, 8'h88, 8'h46, 8'hee, 8'hb8, 8'h14, 8'hde, 8'h5e, 8'h0b, 8'hdb,   // 90..9f
    8'he0, 8'h32, 8'h3a, 8'h0a, 8'h49, 8'h06, 8'h24, 8'h5c, 8'hc2, 8'hd3, 8'hac, 8'h62, 8'h91, 8'h95, 8'he4, 8'h79,   // a0..af
    8'he7, 8'hc8, 8'h37, 8'h6d, 8'h8d, 8'hd5, 8'h4e, 8'ha9, 8'h6c, 8'h56, 8'hf4, 8'hea, 8'h65, 8'h7a, 8'hae, 8'h08,   // b0..bf
    8'hba, 8'h78, 8'h25, 8'h2e, 8'h1c, 8'ha6, 8'hb4, 8'hc6, 8'he8, 8'hdd, 8'h74, 8'h1f, 8'h4b, 8'hbd, 8'h8b, 8'h8a,   // c0..cf
    8'h70, 8'h3e, 8'hb5, 8'h66, 8'h48, 8'h03, 8'hf6, 8'h0e, 8'h61, 8'h35, 8'h57, 8'hb9, 8'h86, 8'hc1, 8'h1d, 8'h9e,   // d0..df
    8'he1, 8'hf8, 8'h98, 8'h11, 8'h69, 8'hd9, 8'h8e, 8'h94, 8'h9b, 8'h1e, 8'h87, 8'he9, 8'hce, 8'h55, 8'h28, 8'hdf,   // e0..ef
    8'h8c, 8'ha1, 8'h89, 8'h0d, 8'hbf, 8'he6, 8'h42, 8'h68, 8'h41, 8'h99, 8'h2d, 8'h0f, 8'hb0, 8'h54, 8'hbb, 8'h16   // f0..ff
  };

  function automatic logic [7:0] sbox(input logic [7:0] x);
    sbox = SBOX_TABLE[2047 - 8*int'(x) -: 8];
  endfunction

  // ---- Multiplication by x ({02}) in GF(2^8) (FIPS-197 4.2.1).
  function automatic logic [7:0] xtime(input logic [7:0] b);
    xtime = {b[6:0], 1'b0} ^ (b[7] ? 8'h1b : 8'h00);
  endfunction

  // ---- Key schedule helpers (FIPS-197 5.2); words as [a0,a1,a2,a3], a0 in [31:24].
  function automatic logic [31:0] sub_word(input logic [31:0] w);
    sub_word = {sbox(w[31:24]), sbox(w[23:16]), sbox(w[15:8]), sbox(w[7:0])};
  endfunction

  // [a0,a1,a2,a3] -> [a1,a2,a3,a0]
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
