// SPDX-License-Identifier: Apache-2.0
//
// physec_sec_keys: the per-AN key registers of the security stage (spec 6.1: a key
// and its salt belong to an association number AN = 0..3).  Write-only from outside:
// there is no read-back port; the values go only to the AES key expansion and the IV
// logic of the stage that instantiates this module.  Model: the `keys` dict of
// physec.sec.SecRx / the installed SecKey of physec.sec.SecTx.
//
// Ports (rst: synchronous, active high; clears every slot: valid bits and key material):
//   key_we        install {key, key_len, salt} into slot key_an at this edge, unless
//                 key_an is in wr_lock (then nothing is written and wr_refused = 1 in
//                 the next clock).
//   erase         clear slot erase_an at this edge: key, key_len and salt to 0, valid
//                 and fresh to 0 (spec 6.4 erase).  Never refused (wr_lock does not
//                 apply: zeroisation must always be possible) and it wins over a
//                 key_we of the same slot in the same clock.
//   key[255:0]    AES key, byte k in key[255-8k -: 8] (physec_aes_keyexp order);
//                 AES-128 uses key[255:128], key[127:0] is then ignored.
//   key_len       physec_aes_pkg::KEY_LEN_128 (0) or KEY_LEN_256 (1).
//   salt[95:0]    the 12-byte salt, byte 0 in salt[95:88] (IV = salt xor (link ID ||
//                 PN), all big-endian: byte 0 of the IV in bit 95).
//   wr_lock[3:0]  slots that may not be written now (the caller's keys in use).
//   valid[a]      slot a holds a key.
//   fresh[a]      slot a was written and not yet consumed; consume[a] clears it (the
//                 transmitter uses a key once, so its PNs never repeat under it).
//   wr_done[a]    one-clock pulse: slot a was written at the last edge.
//   changed[a]    slot a is written or erased at this edge (combinational): what the
//                 caller binds keystream jobs to changes (spec 6.4, keys bound to jobs).
//   slot_key / slot_len / slot_salt  all four slots, slot a at [256*a +: 256] etc.

`default_nettype none

module physec_sec_keys (
  input  wire logic         clk,
  input  wire logic         rst,
  input  wire logic         key_we,
  input  wire logic [1:0]   key_an,
  input  wire logic [255:0] key,
  input  wire logic         key_len,
  input  wire logic [95:0]  salt,
  input  wire logic         erase,
  input  wire logic [1:0]   erase_an,
  input  wire logic [3:0]   wr_lock,
  input  wire logic [3:0]   consume,
  output logic              wr_refused,
  output logic [3:0]        wr_done,
  output logic [3:0]        changed,
  output logic [3:0]        valid,
  output logic [3:0]        fresh,
  output logic [4*256-1:0]  slot_key,
  output logic [3:0]        slot_len,
  output logic [4*96-1:0]   slot_salt
);

  wire logic [3:0] sel = 4'b0001 << key_an;
  wire logic [3:0] ers = erase ? (4'b0001 << erase_an) : 4'b0000;
  wire logic [3:0] wr  = (key_we ? sel : 4'b0000) & ~wr_lock & ~ers;
  assign changed = wr | ers;

  always_ff @(posedge clk) begin
    if (rst) begin
      valid      <= '0;
      fresh      <= '0;
      wr_refused <= 1'b0;
      wr_done    <= '0;
    end else begin
      valid      <= (valid & ~ers) | wr;
      fresh      <= (fresh & ~consume & ~ers) | wr;
      wr_refused <= key_we && (sel & wr_lock) != 4'b0000;
      wr_done    <= wr;
    end
  end

  // Key material: zero after reset and erase, never read back.
  logic [255:0] key_q  [4];
  logic         len_q  [4];
  logic [95:0]  salt_q [4];

  for (genvar a = 0; a < 4; a++) begin : g_slot
    always_ff @(posedge clk) begin
      if (rst || ers[a]) begin
        key_q[a]  <= '0;
        len_q[a]  <= 1'b0;
        salt_q[a] <= '0;
      end else if (wr[a]) begin
        key_q[a]  <= key;
        len_q[a]  <= key_len;
        salt_q[a] <= salt;
      end
    end
    assign slot_key[256*a +: 256] = key_q[a];
    assign slot_len[a]            = len_q[a];
    assign slot_salt[96*a +: 96]  = salt_q[a];
  end

  // ---- Properties (SVA): proven by formal/run.py (FORMAL), checked in simulation
  // (Verilator builds with --assert); not in synthesis, nor in Icarus 11 (no concurrent
  // assertions).
`ifndef PHYSEC_SVA
`ifdef FORMAL
`define PHYSEC_SVA
`elsif SYNTHESIS
`elsif __ICARUS__
`else
`define PHYSEC_SVA
`endif
`endif
`ifdef PHYSEC_SVA
  // Zeroisation: after rst every slot, after an erase its slot, holds no key material.
  // (Immediate assertions on a registered condition: the slots are memories, which the
  // formal front end does not take in a concurrent assertion.)
  // Starts at 0 (the initial state formal assumes): no check before the first clear.
  logic [3:0] sva_zero_q;
  initial sva_zero_q = 4'b0000;
  always_ff @(posedge clk) sva_zero_q <= {4{rst}} | ers;
  for (genvar a = 0; a < 4; a++) begin : g_zero
    always @(posedge clk) begin
      if (sva_zero_q[a]) zeroised: assert (key_q[a] == '0 && !len_q[a] && salt_q[a] == '0)
        else $error("physec_sec_keys: slot %0d holds key material after reset or erase", a);
    end
  end
`endif

endmodule

`default_nettype wire
