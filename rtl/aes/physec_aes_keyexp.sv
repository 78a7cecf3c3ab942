// SPDX-License-Identifier: Apache-2.0
//
// physec_aes_keyexp: AES key expansion (FIPS-197 5.2) for AES-256 and AES-128,
// run once per key install, into round key registers read by one or more
// physec_aes_pipe instances (same RPR).  Encryption schedule only.
//
// Bit and byte order (FIPS-197 notation; see physec_aes_pkg):
//   key[255:0]   key byte k in key[255-8k -: 8]; AES-256: all 32 bytes, byte 0
//                in key[255:248]; AES-128: the 16 bytes in key[255:128] (byte 0
//                in key[255:248]), key[127:0] ignored.
//   round_keys   slot j (j = 0..14) in round_keys[128*j +: 128]; a round key is
//                the words w[4i..4i+3] as a block: w[4i] in [127:96] with its
//                byte a0 in [127:120], i.e. byte k of the round key in
//                [127-8k -: 8], matching the block order of the state.
//                AES-256: slot j = round key j (j = 0..14).
//                AES-128: slot 0 = round key 0, slot 4+i = round key i
//                (i = 1..10); slots 1..4 are not written (the pipe passes an
//                AES-128 block through round stages 1..4 unchanged).
//   rk_len       key length (KEY_LEN_128 / KEY_LEN_256) of the schedule whose
//                round key 0 is in slot 0; the pipe samples it with slot 0.
//
// Handshake and timing (the "key wave"):
//   A key is accepted at a rising edge where key_valid = 1 and busy = 0
//   (valid/ready style: key_valid may be held while busy; it is taken when
//   busy drops).  At the accepting edge a, slot 0 and rk_len are written; slot
//   j is then written at edge a + RPR*j, j = 1..14, one round key per RPR
//   clocks.  physec_aes_pipe reads slot j exactly RPR*j clocks after it took a
//   block, so the writes travel down the pipeline right behind the last block
//   of the old key and right ahead of the first block of the new one:
//     - a block taken at an edge <= a (including the accepting edge itself)
//       is encrypted entirely with the old key;
//     - a block taken at an edge > a is encrypted entirely with the new key.
//   No pipeline drain and no input stall are needed: blocks may be offered in
//   every clock across a key install.  This holds only if every pipe reading
//   these registers has the same RPR as this module, and only if round_keys
//   and rk_len reach the pipe unregistered: a register stage on them (e.g.
//   to fan out to many pipes) must be matched by the same delay on the pipe's
//   key_ready, in_valid, in_blk and in_tag, or blocks near a key install
//   are encrypted with a mix of two schedules.
//   busy  = 1 at the edges a+1 .. a+14*RPR (the schedule is being written);
//           a new key can be accepted from edge a+14*RPR+1 on, so key installs
//           are at least 14*RPR+1 clocks apart.
//   ready = 1 once a key has been accepted since reset (registered: from edge
//           a+1 on).  A pipe must not take blocks while ready = 0 (there are
//           no round keys); physec_aes_pipe drops such blocks and flags them.
//   rst (active-high, synchronous) clears busy and ready and zeroises the
//   schedule: every round key, the key window and rk_len read 0 after it.
//   clr   zeroise (key erase, spec 6.4): the same registers to 0 and a running
//         expansion aborted (busy = 0), with ready kept, so pipes that go on
//         taking blocks encrypt them with all-zero round keys (no key material).
//         A key offered in a clr clock is not taken.
//
// Implementation: a window of 8 words and one step per slot.  AES-256: the
// window holds w[4j-4 .. 4j+3] at step j; the step writes w[4j .. 4j+3] to slot j
// and computes w[4j+4 .. 4j+7] (RotWord + Rcon when 4j+4 = 0 mod 8, i.e. j odd,
// else SubWord only).  AES-128: the window's first 4 words hold round key
// i-1 at step 4+i; the step computes round key i, writes it to slot 4+i and
// keeps it.  Rcon is an xtime register stepped after each use.
//
// Critical path (one clock): window words -> key-length mux -> RotWord mux ->
// SubWord (4 S-boxes in parallel) -> Rcon XOR -> one XOR with a prefix XOR of
// the window words (w0 ^ .. ^ wi, formed in parallel to the S-box) -> key-length
// mux -> slot and window registers.  About one AES round of the pipe (S-box + XORs)
// plus two 2:1 muxes; see physec_aes_pipe for the FPGA depth.

`default_nettype none

// A standalone block: `make lint` passes all of rtl/ to one Verilator call, where
// every such block is a top level module by design.
/* verilator lint_off MULTITOP */
module physec_aes_keyexp #(
  parameter int RPR = 1          // registers per round of the pipe(s) it feeds: 1 or 2
) (
  input  wire logic                                      clk,
  input  wire logic                                      rst,
  input  wire logic                                      clr,
  input  wire logic                                      key_valid,
  input  wire logic                                      key_len,
  input  wire logic [255:0]                              key,
  output logic                                           busy,
  output logic                                           ready,
  output logic                                           rk_len,
  output logic [physec_aes_pkg::NSLOT*128-1:0]           round_keys
);
/* verilator lint_on MULTITOP */

  import physec_aes_pkg::*;

  if (RPR != 1 && RPR != 2) begin : g_bad_rpr
`ifdef __ICARUS__
    // Icarus 11 has no elaboration-time system tasks: fail at time 0 instead.
    initial $fatal(1, "physec_aes_keyexp: RPR must be 1 or 2, got %0d", RPR);
`else
    $fatal(1, "physec_aes_keyexp: RPR must be 1 or 2, got %0d", RPR);
`endif
  end

  // Phase counter for RPR = 2 (a step every second clock); with RPR = 1 it
  // stays 0, which is the last phase, so every clock steps.
  localparam logic PH_LAST = (RPR == 2) ? 1'b1 : 1'b0;

  // A key offered during reset is not taken (it would leave ready = 0 with a
  // half-written schedule, harmless but confusing).
  wire logic take = key_valid && !busy && !rst && !clr;
  wire logic zero = rst || clr;

  logic        len_q;          // key length of the schedule being written
  logic [3:0]  slot_q;         // slot written by the next step, 1..NR
  logic        phase_q;
  logic [7:0]  rc_q;           // Rcon byte of the next RotWord step
  logic [31:0] w_q [8];        // window of schedule words

  wire logic step = busy && (phase_q == PH_LAST);

  // ---- One step of the expansion (combinational, from the window).
  wire logic [31:0] t_src = (len_q == KEY_LEN_256) ? w_q[7] : w_q[3];
  wire logic        t_rot = (len_q == KEY_LEN_256) ? slot_q[0] : 1'b1;
  wire logic [31:0] t_sub_in = t_rot ? rot_word(t_src) : t_src;
  wire logic [31:0] t_sub;     // SubWord(t_sub_in)
  for (genvar i = 0; i < 4; i++) begin : g_sub_word
    physec_aes_sbox u_sbox (.x(t_sub_in[8*i +: 8]), .y(t_sub[8*i +: 8]));
  end
  wire logic [31:0] t     = t_sub ^ (t_rot ? {rc_q, 24'h000000} : 32'h00000000);
  // n[i] = w[i] ^ n[i-1], written as prefix XORs of the window so that t (behind the
  // S-box) meets one XOR (synthesis does not re-associate the chain).
  wire logic [31:0] x1    = w_q[0] ^ w_q[1];
  wire logic [31:0] x2    = x1 ^ w_q[2];
  wire logic [31:0] n0    = w_q[0] ^ t;
  wire logic [31:0] n1    = x1 ^ t;
  wire logic [31:0] n2    = x2 ^ t;
  wire logic [31:0] n3    = (x2 ^ w_q[3]) ^ t;

  // AES-256 writes the window's second half (computed one step earlier, or
  // the key's second half at step 1); AES-128 writes the word group just computed.
  wire logic [127:0] step_rk = (len_q == KEY_LEN_256) ? {w_q[4], w_q[5], w_q[6], w_q[7]}
                                                       : {n0, n1, n2, n3};
  // AES-128 steps 1..NPASS only keep time: their slots belong to pass-through stages.
  wire logic step_writes = (len_q == KEY_LEN_256) || (slot_q > 4'(NPASS));

  // ---- Control and window.
  always_ff @(posedge clk) begin
    if (rst) begin
      busy  <= 1'b0;
      ready <= 1'b0;
    end else if (clr) begin
      busy  <= 1'b0;
    end else if (take) begin
      busy  <= 1'b1;
      ready <= 1'b1;
    end else if (step && slot_q == 4'(NR)) begin
      busy  <= 1'b0;
    end
  end

  always_ff @(posedge clk) begin
    if (zero) begin
      len_q   <= 1'b0;
      slot_q  <= 4'd1;
      phase_q <= 1'b0;
      rc_q    <= 8'h00;
      for (int i = 0; i < 8; i++) w_q[i] <= '0;
    end else if (take) begin
      len_q   <= key_len;
      slot_q  <= 4'd1;
      phase_q <= 1'b0;
      rc_q    <= 8'h01;
      for (int i = 0; i < 8; i++) w_q[i] <= key[255-32*i -: 32];
    end else if (busy) begin
      phase_q <= (phase_q == PH_LAST) ? 1'b0 : 1'b1;
      if (step) begin
        slot_q <= slot_q + 4'd1;
        if (len_q == KEY_LEN_256) begin
          w_q[0] <= w_q[4];
          w_q[1] <= w_q[5];
          w_q[2] <= w_q[6];
          w_q[3] <= w_q[7];
          w_q[4] <= n0;
          w_q[5] <= n1;
          w_q[6] <= n2;
          w_q[7] <= n3;
          if (t_rot) rc_q <= xtime(rc_q);
        end else if (step_writes) begin
          w_q[0] <= n0;
          w_q[1] <= n1;
          w_q[2] <= n2;
          w_q[3] <= n3;
          rc_q   <= xtime(rc_q);
        end
      end
    end
  end

  // ---- Round key slots.  Slot 0 and rk_len are loaded at the accepting edge
  // straight from the key (no expansion needed), slot j at its step.
  logic [127:0] rk_q [NSLOT];

  always_ff @(posedge clk) begin
    if (zero) begin
      rk_q[0] <= '0;
      rk_len  <= 1'b0;
    end else if (take) begin
      rk_q[0] <= key[255:128];
      rk_len  <= key_len;
    end
  end

  for (genvar j = 1; j < NSLOT; j++) begin : g_slot
    always_ff @(posedge clk) begin
      if (zero)                                       rk_q[j] <= '0;
      else if (step && step_writes && slot_q == 4'(j)) rk_q[j] <= step_rk;
    end
  end

  for (genvar j = 0; j < NSLOT; j++) begin : g_out
    assign round_keys[128*j +: 128] = rk_q[j];
  end

`ifndef SYNTHESIS
  // ---- Simulation checks (tb/assertions proves each one fires).  While busy the step
  // counter is in 1..NR and ready is set; with RPR = 1 the phase stays 0.  Only slot 0
  // is known as soon as ready is (the others are written as the expansion runs).
  logic sa_rst_seen;
  always @(posedge clk) begin
    if (rst) sa_rst_seen <= 1'b1;
    if (!rst && busy && (!ready || slot_q < 4'd1 || slot_q > 4'(NR) || (RPR == 1 && phase_q != 1'b0)))
      $error("physec_aes_keyexp: illegal state (busy %b, ready %b, slot %0d, phase %b)", busy, ready, slot_q, phase_q);
    if (!rst && sa_rst_seen && (((^{busy, ready}) === 1'bx) || (ready && ((^{rk_len, round_keys[127:0]}) === 1'bx))))
      $error("physec_aes_keyexp: X/Z on an output after reset");
  end
`endif

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
  // Zeroisation: after rst or clr no round key, window word or key length is left.
  // (Immediate assertion on a registered condition: the window is a memory, which the
  // formal front end does not take in a concurrent assertion.)
  // Starts at 0 (the initial state formal assumes): no check before the first clear.
  logic sva_zero_q;
  initial sva_zero_q = 1'b0;
  always_ff @(posedge clk) sva_zero_q <= zero;
  always @(posedge clk) begin
    if (sva_zero_q) zeroised: assert (round_keys == '0 && !rk_len && !len_q && rc_q == '0 &&
                                      {w_q[0], w_q[1], w_q[2], w_q[3], w_q[4], w_q[5], w_q[6], w_q[7]} == '0)
      else $error("physec_aes_keyexp: key material after reset or clr");
  end
`endif

endmodule

`default_nettype wire
