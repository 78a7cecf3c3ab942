// SPDX-License-Identifier: Apache-2.0
//
// tb_chain_files: file-driven check of the chain tops rtl/top/physec_tx.sv and
// rtl/top/physec_rx.sv against a golden vector set, for any simulator (no Python, no
// cocotb).  Both tops run side by side on one clock; +VECDIR=<dir> names the set.
//
// Files read with tb_hexfile (layouts in each file's header and docs/spec.md 7, 7.2):
//   cfg.hex     configuration: link ID, mode, require_security, word counts, TX and RX
//               keys per AN, TX compare ranges, rekey requests (written by the model from
//               the manifest, which SystemVerilog cannot read), receiver key events.
//   66b.hex, valid.hex, cm.hex   TX stimulus and per-frame Cm;  line.hex   TX reference
//               and RX stimulus;  rx66b.hex, rxstat.hex, rxcnt.hex   RX reference in
//               cut-through, rx66b_sf.hex, rxstat_sf.hex, rxcnt_sf.hex in store-and-forward.
//
// +RX_POLICY=sf (default: physec_rx's reset policy, store-and-forward) or +RX_POLICY=ct
// selects the receiver's policy (cfg_cut_through) and the reference files.
//
// TX (physec_tx), the sequence of its header: keys installed in clocks 0..3 after reset,
// AN 0 activated (rekey_req) in clock ACTIVATE, `start` pulsed in clock START, the first
// clock at which frame 0's keystream is ready (START = ACTIVATE + 2 + 14 RPR, RPR = 1).
// START is the mapper's clock 0 and frame 0 is protected with PN 1, as the model's.  The
// client offers 66b group g (66b.hex blocks 4g..4g+3, then idle groups past the end)
// whenever valid.hex says so; physec_tx's transcoder delays the schedule by one clock, so
// the group of mapper clock m is offered in clock START + m - 1 (valid.hex bit 0 of frame
// 0 is 0 in every set: mapper clock 0 offers nothing).  Every bit of every line word in
// the set's TX compare ranges (impaired sets leave out the words the impairment touched)
// is compared with line.hex.  Per frame (fr_valid): Cm = cm.hex, MFAS = frame mod 256,
// protected, mode.  At the end: no alarm, no refusal, no err_ks.
// A rekey request of cfg.hex "before line frame t" is given in the clock after frame
// t-1's framer start (before frame t's parameters are decided, after frame t-1's): the
// same PADs as the model.  Except t = 0 (the rekey set): the model requests the rekey
// while AN 0's activation is pending; physec_sec_tx refuses a rekey_req then, and an
// activation decision clears any pending change, so the earliest accepted request is
// before frame 1 and the RTL announces in frames 8..15 and switches at 16, the model in
// frames 0..7 and at 8.  For such a set the PAD bits (word 1 bits 31:0, word 2, word 3
// bits 255:64: KCP, next AN, CRC and the tags, whose AAD holds the PAD) of every frame
// and, in mode encrypt, the ciphertext of frames >= 8 (other AN, PN 1..) are not compared
// (the PASS line says so); AM, OH and the frames' ciphertext before the switch are.
//
// RX (physec_rx): keys installed after reset; line.hex played one word per clock, then
// FLUSH_WORDS words (the aligner lets a frame's last word go with the line word two words
// after it, and may look at the next AM then): the last frame's first words again, so
// that AM is where the next one would be and matches, then `finish` (the model's
// SecRx.finish: the last frame fails "tag lost").  A receiver key event of cfg.hex "before
// line frame t" (install again the RX key of an AN, or erase it) is given in the clock
// in which frame t's word 0 enters physec_sec_rx (u_rx.fw_*): frame t-1 is decrypted
// and its PAD checked, frame t's keystream job prepared, its PAD not yet read: the
// model's "between two frames" (spec 6.4, 7.2).  Checked: every 66b group against
// rx66b.hex (in order, all of them), the number of undecodable groups (client_err),
// every frame record (fr_* combined with its verdict vd_*, in whichever order they come:
// in store-and-forward a frame's record follows its verdict) against rxstat.hex, and the
// 24 counters against rxcnt.hex.  In store-and-forward it also checks, without the files,
// that no data block leaves the demapper while its frame is not released.
//
// +FRAMES=<n> plays only the first n >= 2 line frames (for slow simulators): TX as
// above, RX without `finish`, its blocks and the records with a verdict compared as a
// prefix, the totals and counters not.
//
// Prints "PASS <set>: ..." and calls $finish, or "FAIL <set>: ..." with the first
// mismatch (frame, word, bit) and $fatal(1): the simulator exits non-zero.
// MAX_* size the memories (Makefile variables of the same names).

`default_nettype none

module tb_chain_files #(
  parameter int MAX_LINE   = 32768,    // line.hex words
  parameter int MAX_66B    = 65536,    // 66b.hex blocks
  parameter int MAX_RX66B  = 131072,   // rx66b.hex blocks
  parameter int MAX_FRAMES = 64        // line frames (valid.hex, cm.hex, rxstat.hex words)
);

  localparam int W        = physec_profile_pkg::WORDS_PER_FRAME;
  localparam int ACTIVATE = 4;         // TX activation clock: after the key installs (clocks 0..3)
  localparam int START    = ACTIVATE + 2 + 14;   // physec_tx start: keystream ready (RPR = 1)
  localparam int TX_LATENCY = 12;      // physec_tx: frame 0's line_sof START + 12 clocks (its header)
  localparam int MF       = physec_profile_pkg::MF_FRAMES;
  localparam int RX_START = 30;        // first RX line word: after the RX key installs
  localparam int FLUSH_WORDS = 2;
  localparam int N_CNT    = 24;
  localparam int CFG_KEYS = 9;         // cfg word of TX key AN 0; RX keys at CFG_KEYS + 8
  localparam int CFG_MAX  = CFG_KEYS + 16 + 2 * MAX_FRAMES;
  localparam logic [65:0] IDLE_66B = 66'h79;   // control block, type 0x1E, 8 idle characters

  // ---- Waveform on demand: +trace (make TRACE=1) dumps the testbench and the DUTs into
  // +WAVES=<file> (default tb_chain_files.fst); Verilator needs a --trace-fst build, Icarus
  // writes FST with vvp -fst.  The vector memories are not dumped (too large).
  initial begin
    string wave;
    if ($test$plusargs("trace")) begin
      if (!$value$plusargs("WAVES=%s", wave)) wave = "tb_chain_files.fst";
      $display("tb_chain_files: waves: %s", wave);
      $dumpfile(wave);
      $dumpvars(0, tb_chain_files);
    end
  end

  logic clk;
  initial begin
    clk = 1'b0;
    forever #5 clk = ~clk;
  end
  logic rst;

  // ---- vectors
  tb_hexfile #(.WIDTH(256), .DEPTH(CFG_MAX))    u_cfg   ();
  tb_hexfile #(.WIDTH(256), .DEPTH(MAX_LINE))   u_line  ();
  tb_hexfile #(.WIDTH(66),  .DEPTH(MAX_66B))    u_b66   ();
  tb_hexfile #(.WIDTH(66),  .DEPTH(MAX_RX66B))  u_rx66  ();
  tb_hexfile #(.WIDTH(W),   .DEPTH(MAX_FRAMES)) u_vld   ();
  tb_hexfile #(.WIDTH(16),  .DEPTH(MAX_FRAMES)) u_cm    ();
  tb_hexfile #(.WIDTH(128), .DEPTH(MAX_FRAMES)) u_rstat ();
  tb_hexfile #(.WIDTH(32),  .DEPTH(N_CNT))      u_rcnt  ();
  string vecdir, err, policy, sfx;
  bit    cut_through;
  int    n_frames, n_line, n_66b, n_rx66, n_stat, n_ranges, n_rekeys, n_keyev;
  int    n_run;                 // line frames played: all, or a prefix (+FRAMES=<n>)
  logic [1:0]  mode;
  logic [31:0] link_id;
  logic        require_sec;

  task automatic fail(string msg);
    $display("FAIL %s: %s", vecdir, msg);
    $fatal(1, "FAIL %s", vecdir);
  endtask

  // Read a tap of n words.
  `define LOAD(U, FILE, N, MAXN, WHAT) \
    if ((N) < 1 || (N) > (MAXN)) \
      fail($sformatf("%s: %0d words; this build holds 1..%0d (raise %s)", FILE, N, MAXN, WHAT)); \
    U.load({vecdir, "/", FILE}, N, err); \
    if (err != "") fail(err);

  task automatic load;
    if (!$value$plusargs("VECDIR=%s", vecdir)) begin
      vecdir = "?";
      fail("plusarg +VECDIR=<vector set> missing");
    end
    u_cfg.load({vecdir, "/cfg.hex"}, -1, err);     // its length is in it
    if (err != "") fail(err);
    if (u_cfg.n < CFG_KEYS + 16)
      fail($sformatf("cfg.hex: %0d words, at least %0d expected (the set lacks the chain side files?)",
                     u_cfg.n, CFG_KEYS + 16));
    link_id     = u_cfg.mem[0][31:0];
    mode        = u_cfg.mem[1][1:0];
    require_sec = u_cfg.mem[2][0];
    n_frames    = int'(u_cfg.mem[3][31:0]);
    n_line      = n_frames * W;
    n_66b       = int'(u_cfg.mem[4][31:0]);
    if (!$value$plusargs("RX_POLICY=%s", policy)) policy = "sf";
    if (policy != "sf" && policy != "ct") fail({"+RX_POLICY=", policy, ": sf or ct"});
    cut_through = policy == "ct";
    sfx         = cut_through ? "" : "_sf";
    // cfg words 5, 6: [31:0] the cut-through taps' word counts, [63:32] store-and-forward's
    n_rx66      = int'(cut_through ? u_cfg.mem[5][31:0] : u_cfg.mem[5][63:32]);
    n_stat      = int'(cut_through ? u_cfg.mem[6][31:0] : u_cfg.mem[6][63:32]);
    n_ranges    = int'(u_cfg.mem[7][31:0]);
    n_rekeys    = int'(u_cfg.mem[8][31:0]);
    n_keyev     = int'(u_cfg.mem[8][63:32]);
    if (n_ranges + n_rekeys + n_keyev > 2 * MAX_FRAMES)
      fail("cfg.hex: too many ranges / rekey requests / key events for this build");
    if (u_cfg.n != CFG_KEYS + 16 + n_ranges + n_rekeys + n_keyev)
      fail($sformatf("cfg.hex: %0d words, its counts say %0d", u_cfg.n, CFG_KEYS + 16 + n_ranges + n_rekeys + n_keyev));
    `LOAD(u_line, "line.hex", n_line, MAX_LINE, "MAX_LINE")
    `LOAD(u_b66, "66b.hex", n_66b, MAX_66B, "MAX_66B")
    `LOAD(u_rx66, {"rx66b", sfx, ".hex"}, n_rx66, MAX_RX66B, "MAX_RX66B")
    `LOAD(u_vld, "valid.hex", n_frames, MAX_FRAMES, "MAX_FRAMES")
    `LOAD(u_cm, "cm.hex", n_frames, MAX_FRAMES, "MAX_FRAMES")
    `LOAD(u_rstat, {"rxstat", sfx, ".hex"}, n_stat, MAX_FRAMES, "MAX_FRAMES")
    `LOAD(u_rcnt, {"rxcnt", sfx, ".hex"}, N_CNT, N_CNT, "-")
    if (n_66b % 4 != 0 || n_rx66 % 4 != 0) fail("cfg.hex: 66b counts are not multiples of 4");
    if (u_vld.mem[0][0] !== 1'b0) fail("valid.hex: frame 0 offers a block in clock 0 (physec_tx cannot take it)");
    if (!$value$plusargs("FRAMES=%d", n_run) || n_run >= n_frames) n_run = n_frames;
    if (n_run < 2) fail("+FRAMES=<n> must be >= 2 (the receiver delivers a frame when it sees the next AM)");
  endtask

  // ---- DUTs
  logic            c_valid, tx_key_we, rekey_req, tx_start;
  logic [4*66-1:0] c_blocks;
  logic [1:0]      tx_key_an, rekey_an;
  logic [255:0]    tx_key;
  logic            tx_key_len;
  logic [95:0]     tx_salt;
  logic            l_valid, l_sof;
  logic [255:0]    l_word;
  logic            t_fr_valid, t_fr_protected, t_fr_tag_valid, t_fr_kcp;
  logic [1:0]      t_fr_mode, t_fr_an, t_fr_next_an, t_st_an;
  logic [63:0]     t_fr_pn;
  logic [13:0]     t_fr_cm;
  logic [7:0]      t_fr_mfas;
  logic            t_st_active, t_st_rekey_pending, t_alarm_pn, t_err_key_refused, t_err_rekey_refused;
  logic            t_err_ks, t_err_tag_late;
  logic [31:0]     t_cnt_frames, t_cnt_underflow, t_cnt_overflow;

  physec_tx u_tx (
    .clk(clk), .rst(rst), .start(tx_start), .client_valid(c_valid), .client_blocks(c_blocks),
    .line_valid(l_valid), .line_sof(l_sof), .line_word(l_word),
    .cfg_mode(mode), .cfg_link_id(link_id), .key_we(tx_key_we), .key_an(tx_key_an), .key(tx_key),
    .key_len(tx_key_len), .salt(tx_salt), .erase(1'b0), .erase_an(2'd0), .rekey_req(rekey_req),
    .rekey_an(rekey_an),
    .fr_valid(t_fr_valid), .fr_protected(t_fr_protected), .fr_mode(t_fr_mode), .fr_an(t_fr_an),
    .fr_pn(t_fr_pn), .fr_tag_valid(t_fr_tag_valid), .fr_kcp(t_fr_kcp), .fr_next_an(t_fr_next_an),
    .fr_cm(t_fr_cm), .fr_mfas(t_fr_mfas), .st_active(t_st_active), .st_an(t_st_an),
    .st_rekey_pending(t_st_rekey_pending), .alarm_pn(t_alarm_pn), .err_key_refused(t_err_key_refused),
    .err_rekey_refused(t_err_rekey_refused), .err_ks(t_err_ks), .err_tag_late(t_err_tag_late),
    .cnt_frames(t_cnt_frames), .cnt_underflow(t_cnt_underflow), .cnt_overflow(t_cnt_overflow)
  );

  logic            r_valid, r_key_we, r_finish, r_erase;
  logic [1:0]      r_erase_an;
  logic [255:0]    r_word;
  logic [1:0]      r_key_an;
  logic [255:0]    r_key;
  logic            r_key_len;
  logic [95:0]     r_salt;
  logic            o_valid, o_err;
  logic [4*66-1:0] o_blocks;
  logic            f_valid, f_am_good, f_oh_crc_ok, f_jc_crc_ok, f_usable, f_pad_invalid, f_bypass;
  logic            f_bypass_refused, f_unknown_an, f_replay, f_pn_unpredicted, f_key_changed, f_pending;
  logic            f_release, f_delivered, v_key_changed, r_err_buf;
  logic [3:0]      f_jc_kind;
  logic [13:0]     f_cm;
  logic [7:0]      f_mfas, f_stat;
  logic [1:0]      f_an, f_mode, v_an;
  logic [63:0]     f_pn, v_pn;
  logic            v_valid, v_pass, v_tag_lost, v_tag_mismatch, r_locked, r_err_ks;
  logic [N_CNT-2:0][31:0] rc;

  // Outputs of physec_tx that the line compare covers (the PAD sent) or that follow from
  // the stimulus, and RX lock (its counters are checked).
  wire logic unused = &{1'b0, t_fr_tag_valid, t_fr_kcp, t_fr_an, t_fr_next_an, t_st_an, t_fr_pn, t_st_active,
                        t_st_rekey_pending, t_cnt_frames, t_cnt_underflow, t_cnt_overflow, r_locked};

  physec_rx u_rx (
    .clk(clk), .rst(rst), .line_valid(r_valid), .line_word(r_word),
    .client_valid(o_valid), .client_blocks(o_blocks), .client_err(o_err),
    .cfg_cut_through(cut_through), .cfg_link_id(link_id), .require_security(require_sec), .key_we(r_key_we),
    .key_an(r_key_an), .key(r_key), .key_len(r_key_len), .salt(r_salt), .erase(r_erase), .erase_an(r_erase_an),
    .finish(r_finish),
    .fr_valid(f_valid), .fr_am_good(f_am_good), .fr_oh_crc_ok(f_oh_crc_ok), .fr_jc_crc_ok(f_jc_crc_ok),
    .fr_jc_kind(f_jc_kind), .fr_usable(f_usable), .fr_cm(f_cm), .fr_mfas(f_mfas), .fr_stat(f_stat),
    .fr_an(f_an), .fr_pn(f_pn), .fr_mode(f_mode), .fr_pad_invalid(f_pad_invalid), .fr_bypass(f_bypass),
    .fr_bypass_refused(f_bypass_refused), .fr_unknown_an(f_unknown_an), .fr_replay(f_replay),
    .fr_pn_unpredicted(f_pn_unpredicted), .fr_key_changed(f_key_changed), .fr_pending(f_pending),
    .fr_release(f_release),
    .fr_delivered(f_delivered), .vd_valid(v_valid), .vd_pass(v_pass), .vd_tag_lost(v_tag_lost),
    .vd_tag_mismatch(v_tag_mismatch), .vd_key_changed(v_key_changed), .vd_an(v_an), .vd_pn(v_pn),
    .locked(r_locked),
    .cnt_frames(rc[0]), .cnt_am_bad(rc[1]), .cnt_oh_crc_errors(rc[2]), .cnt_jc_crc_errors(rc[3]),
    .cnt_jc_pattern_errors(rc[4]), .cnt_unusable_frames(rc[5]), .cnt_lock_losses(rc[6]),
    .cnt_locks(rc[7]), .cnt_lost_frames(rc[8]), .cnt_error_blocks(rc[9]), .cnt_sec_dropped(rc[10]),
    .cnt_sec_frames(rc[11]), .cnt_sec_passed(rc[12]), .cnt_sec_failed(rc[13]), .cnt_sec_bypass(rc[14]),
    .cnt_sec_tag_failures(rc[15]), .cnt_sec_tags_lost(rc[16]), .cnt_sec_replays(rc[17]),
    .cnt_sec_unknown_an(rc[18]), .cnt_sec_pad_errors(rc[19]), .cnt_sec_pn_unpredicted(rc[20]),
    .cnt_sec_key_switches(rc[21]), .cnt_sec_key_changed(rc[22]), .err_ks(r_err_ks), .err_buf(r_err_buf)
  );

  // ---- stimulus: inputs for clock c are set at the negedge before it (no race).
  int  cyc;                     // clocks since reset
  int  n_groups;                // 66b groups offered
  int  rx_end;                  // clock of `finish`
  bit  tx_done, rx_done;

  function automatic bit vbit(int m);       // valid.hex: mapper clock m offers a block
    return m >= 0 && m < n_line && u_vld.mem[m / W][m % W];
  endfunction

  int rk_t;                     // line frame of a rekey request
  int ke_t, ke_an;              // line frame and AN of a receiver key event
  bit ke_erase;
  bit rk_early;                 // a rekey request before frame 0: not matchable (header)
  initial begin
    rst = 1'b1;
    load();
    {c_valid, c_blocks, tx_key_we, tx_key_an, tx_key, tx_key_len, tx_salt, rekey_req, rekey_an, tx_start} = '0;
    {r_valid, r_word, r_key_we, r_key_an, r_key, r_key_len, r_salt, r_finish, r_erase, r_erase_an} = '0;
    n_groups = 0;
    rk_early = 0;
    for (int e = 0; e < n_rekeys; e++) rk_early |= u_cfg.mem[CFG_KEYS + 16 + n_ranges + e][63:32] == 0;
    rx_end   = RX_START + n_run * W + FLUSH_WORDS + 30;   // + the RX latency (21 clocks) and margin
    repeat (4) @(posedge clk);
    for (cyc = 0; !(tx_done && rx_done); cyc++) begin
      @(negedge clk);
      rst = 1'b0;
      // TX: start pulse (physec_tx keeps it); client: mapper clock cyc - START + 1's group
      tx_start = cyc == START;
      c_valid  = vbit(cyc - START + 1);
      if (c_valid) begin
        for (int j = 0; j < 4; j++)
          c_blocks[66*j +: 66] = 4 * n_groups + 3 < n_66b ? u_b66.mem[4 * n_groups + j] : IDLE_66B;
        n_groups++;
      end
      // key installs: TX and RX, AN = cyc (clocks 0..3), when the set has a key there
      tx_key_we = 1'b0;
      r_key_we  = 1'b0;
      if (cyc < 4) begin
        tx_key_we = u_cfg.mem[CFG_KEYS + 2 * cyc + 1][97];
        {tx_key_an, tx_key, tx_key_len, tx_salt} =
            {2'(cyc), u_cfg.mem[CFG_KEYS + 2 * cyc], u_cfg.mem[CFG_KEYS + 2 * cyc + 1][96:0]};
        r_key_we = u_cfg.mem[CFG_KEYS + 8 + 2 * cyc + 1][97];
        {r_key_an, r_key, r_key_len, r_salt} =
            {2'(cyc), u_cfg.mem[CFG_KEYS + 8 + 2 * cyc], u_cfg.mem[CFG_KEYS + 8 + 2 * cyc + 1][96:0]};
      end
      // receiver key events: in the clock frame t's word 0 enters the security stage
      // (fw_* are registered: what they hold now is sampled at the next edge)
      r_erase = 1'b0;
      for (int e = 0; e < n_keyev; e++) begin
        ke_t     = int'(u_cfg.mem[CFG_KEYS + 16 + n_ranges + n_rekeys + e][63:32]);
        ke_erase = u_cfg.mem[CFG_KEYS + 16 + n_ranges + n_rekeys + e][8];
        ke_an    = int'(u_cfg.mem[CFG_KEYS + 16 + n_ranges + n_rekeys + e][1:0]);
        if (u_rx.fw_valid && u_rx.fw_idx == '0 && (cyc - RX_START + W / 2) / W == ke_t) begin
          if (ke_erase) {r_erase, r_erase_an} = {1'b1, 2'(ke_an)};
          else begin
            r_key_we = 1'b1;
            {r_key_an, r_key, r_key_len, r_salt} =
                {2'(ke_an), u_cfg.mem[CFG_KEYS + 8 + 2 * ke_an], u_cfg.mem[CFG_KEYS + 8 + 2 * ke_an + 1][96:0]};
          end
        end
      end
      // activation of AN 0, then the rekey requests: before line frame t = in the clock
      // after frame t-1's framer start (START + 4 + W (t-1)); t = 0 as t = 1 (header)
      rekey_req = 1'b0;
      if (cyc == ACTIVATE) {rekey_req, rekey_an} = 3'b100;
      for (int e = 0; e < n_rekeys; e++) begin
        rk_t = int'(u_cfg.mem[CFG_KEYS + 16 + n_ranges + e][63:32]);
        if (cyc == START + 5 + W * (rk_t < 1 ? 0 : rk_t - 1)) {rekey_req, rekey_an} = {1'b1, u_cfg.mem[CFG_KEYS + 16 + n_ranges + e][1:0]};
      end
      // RX line
      r_valid  = cyc >= RX_START && cyc < RX_START + n_run * W + (n_run < n_frames ? 0 : FLUSH_WORDS);
      r_word   = !r_valid ? '0 : cyc < RX_START + n_run * W ? u_line.mem[cyc - RX_START]
                                 : u_line.mem[cyc - RX_START - W];   // flush: the last frame's AM again
      r_finish = cyc == rx_end && n_run == n_frames;   // a prefix does not end the stream
    end
    @(negedge clk);
    summary();
  end

  // The monitors below count and record with blocking assignments: they are the only
  // readers of their variables (all DUT outputs are registered), as in a testbench task.
  /* verilator lint_off BLKSEQ */

  // ---- TX checks
  int tx_words, tx_cmp_words, tx_frames_seen, rng, frame, k, b;
  longint tx_cmp_bits;
  logic [255:0] m, want, x;

  // Bits compared: all, but for a rekey request before frame 0 (header) not the PAD
  // and not the ciphertext after the model's key switch (frame MF).
  function automatic logic [255:0] tx_mask(int fi, int kw);
    if (!rk_early) return '1;
    if (kw == 1) return {{224{1'b1}}, 32'h0};           // AM lane 3 end; PAD from bit 31 on
    if (kw == 2) return '0;                             // PAD
    if (kw == 3) return {192'h0, {64{1'b1}}};           // PAD end; OH bytes 0..7
    if (kw >= 5 && fi >= MF && mode == 2'd2) return '0; // ciphertext under the other AN
    return '1;
  endfunction

  always @(posedge clk) begin
    if (rst) begin
      tx_words = 0; tx_cmp_words = 0; tx_cmp_bits = 0; tx_frames_seen = 0; rng = 0; tx_done = 0;
    end else begin
      if (t_alarm_pn || t_err_key_refused || t_err_rekey_refused || t_err_ks || t_err_tag_late)
        fail($sformatf("physec_tx alarm at clock %0d: alarm_pn %b err_key_refused %b err_rekey_refused %b err_ks %b err_tag_late %b",
                       cyc, t_alarm_pn, t_err_key_refused, t_err_rekey_refused, t_err_ks, t_err_tag_late));
      // cyc has moved on to the next clock at this edge: clock cyc - 1 ends here
      if (l_valid && tx_words == 0 && cyc - 1 != START + TX_LATENCY)
        fail($sformatf("TX: first line word in clock %0d, expected START + %0d = %0d", cyc - 1, TX_LATENCY,
                       START + TX_LATENCY));
      if (l_valid && !tx_done) begin
        frame = tx_words / W;
        k     = tx_words % W;
        m     = tx_mask(frame, k);
        want  = u_line.mem[tx_words];
        if (l_sof !== (k == 0)) fail($sformatf("TX frame %0d word %0d: line_sof = %b", frame, k, l_sof));
        while (rng < n_ranges && tx_words >= int'(u_cfg.mem[CFG_KEYS + 16 + rng][31:0])) rng++;
        if (rng < n_ranges && tx_words >= int'(u_cfg.mem[CFG_KEYS + 16 + rng][63:32])) begin
          if (((l_word ^ want) & m) != '0) begin
            x = (l_word ^ want) & m;
            b = 255;
            while (!x[b]) b--;
            fail($sformatf("TX frame %0d word %0d (line word %0d) bit %0d of the word (sent %0d-th): got %h, expected %h (mask %h)",
                           frame, k, tx_words, b, 255 - b, l_word, want, m));
          end
          tx_cmp_words++;
          for (int i = 0; i < 256; i += 32) tx_cmp_bits += $countones(m[i +: 32]);
        end
        tx_words++;
        if (tx_words == n_run * W) tx_done = 1;
      end else if (!l_valid && cyc > START + TX_LATENCY && !tx_done)
        fail($sformatf("TX: line_valid low at clock %0d", cyc));
      if (t_fr_valid && tx_frames_seen < n_run) begin
        frame = tx_frames_seen;
        if (t_fr_cm !== u_cm.mem[frame][13:0] || t_fr_mfas !== 8'(frame) || t_fr_protected !== 1'b1
            || t_fr_mode !== mode)
          fail($sformatf("TX frame %0d record: Cm %0d (cm.hex %0d), MFAS %0d, protected %b, mode %0d (cfg %0d)",
                         frame, t_fr_cm, u_cm.mem[frame], t_fr_mfas, t_fr_protected, t_fr_mode, mode));
        tx_frames_seen++;
      end
    end
  end

  // ---- RX checks
  int n_out, n_err, n_fr, n_vd, n_vq, vd_next, rb, leaks;
  logic [65:0] rx;
  logic [7:0]  arrival;
  logic [127:0] got_stat [MAX_FRAMES];
  bit           cnd_bad  [MAX_FRAMES];   // rxstat bit 8: the demapper's st_cnd_ok of each record, inverted
  int           n_st;
  bit           pend     [MAX_FRAMES];
  logic [69:0]  vq       [MAX_FRAMES];   // verdicts in order: {pass, key changed, mismatch, lost, an, pn}

  // Apply the verdicts to the pending records, in order, as both arrive.
  task automatic match_verdicts;
    // No break: Icarus 11 does not support it.
    while (vd_next < n_fr && !pend[vd_next]) vd_next++;
    while (n_vd < n_vq && vd_next < n_fr) begin
      if (vq[n_vd][65:64] !== got_stat[vd_next][23:22] || vq[n_vd][63:0] !== got_stat[vd_next][127:64])
        fail($sformatf("RX: verdict for AN %0d PN %0d, the oldest pending frame (record %0d) has AN %0d PN %0d",
                       vq[n_vd][65:64], vq[n_vd][63:0], vd_next, got_stat[vd_next][23:22], got_stat[vd_next][127:64]));
      got_stat[vd_next][19:16] = vq[n_vd][69] ? 4'd0 : 4'd1;
      got_stat[vd_next][7]     = vq[n_vd][68];
      got_stat[vd_next][1:0]   = vq[n_vd][67:66];
      pend[vd_next] = 0;
      n_vd++;
      while (vd_next < n_fr && !pend[vd_next]) vd_next++;
    end
  endtask

  always @(posedge clk) begin
    if (rst) begin
      n_out = 0; n_err = 0; n_fr = 0; n_st = 0; n_vd = 0; n_vq = 0; vd_next = 0; rx_done = 0; leaks = 0;
    end else begin
      if (r_err_ks) fail($sformatf("physec_rx err_ks at clock %0d", cyc));
      if (r_err_buf) fail($sformatf("physec_rx err_buf at clock %0d", cyc));
      // Store-and-forward, independent of the files: no data block (not an inserted
      // ERROR_257B) out of the demapper while the frame it demaps is not released.
      if (!cut_through && u_rx.b_valid && !u_rx.b_err && !u_rx.b_release) leaks++;
      if (o_valid) begin
        if (4 * n_out + 3 >= n_rx66) fail($sformatf("RX: more than the %0d 66b groups of rx66b.hex", n_rx66 / 4));
        for (int j = 0; j < 4; j++)
          if (o_blocks[66*j +: 66] !== u_rx66.mem[4 * n_out + j]) begin
            rx = o_blocks[66*j +: 66] ^ u_rx66.mem[4 * n_out + j];
            rb = 0;
            while (rb < 65 && !rx[rb]) rb++;
            fail($sformatf("RX 66b block %0d (group %0d, block %0d) bit %0d: got %h, expected %h",
                           4 * n_out + j, n_out, j, rb, o_blocks[66*j +: 66], u_rx66.mem[4 * n_out + j]));
          end
        n_err += int'(o_err);
        n_out++;
      end
      // fr_valid follows st_valid one for one (physec_rx); CnD is not in the fr_* record
      if (u_rx.st_valid) begin
        if (n_st >= MAX_FRAMES) fail("RX: more demapper records than MAX_FRAMES");
        cnd_bad[n_st] = !u_rx.st_cnd_ok;
        n_st++;
      end
      if (f_valid) begin
        arrival = {f_key_changed, f_pad_invalid, f_bypass_refused, f_unknown_an, f_replay, f_pn_unpredicted, 2'b00};
        if (n_fr >= n_stat) fail($sformatf("RX: more frame records than the %0d of rxstat%s.hex", n_stat, sfx));
        got_stat[n_fr] = {f_pn, f_mfas, f_stat, 2'b00, f_cm, f_jc_kind, f_am_good, f_oh_crc_ok, f_jc_crc_ok,
                          f_usable, f_an, f_mode, arrival != '0 ? 4'd1 : f_bypass ? 4'd2 : 4'hF,
                          f_release, f_delivered, 5'b0, cnd_bad[n_fr], arrival};
        pend[n_fr] = f_pending;
        n_fr++;
      end
      if (v_valid) begin
        if (n_vq >= MAX_FRAMES) fail("RX: more verdicts than MAX_FRAMES");
        vq[n_vq] = {v_pass, v_key_changed, v_tag_mismatch, v_tag_lost, v_an, v_pn};
        n_vq++;
      end
      if (f_valid || v_valid) match_verdicts();
      if (cyc == rx_end + 40 + W) rx_done = 1;      // store-and-forward drains a frame after finish
    end
  end

  /* verilator lint_on BLKSEQ */

  // ---- end of run
  function automatic string cnt_name(int i);   // rxcnt.hex order
    case (i)
      0: return "frames";          1: return "am_bad";            2: return "oh_crc_errors";
      3: return "jc_crc_errors";   4: return "jc_pattern_errors"; 5: return "unusable_frames";
      6: return "lock_losses";     7: return "locks";             8: return "lost_frames";
      9: return "error_blocks";   10: return "sec_dropped";      11: return "sec.frames";
     12: return "sec.passed";     13: return "sec.failed";       14: return "sec.bypass";
     15: return "sec.tag_failures"; 16: return "sec.tags_lost";  17: return "sec.replays";
     18: return "sec.unknown_an"; 19: return "sec.pad_errors";   20: return "sec.pn_unpredicted";
     21: return "sec.key_switches"; 22: return "sec.key_changed";
      default: return "undecodable groups";
    endcase
  endfunction

  task automatic summary;
    logic [127:0] sx;
    int sb;
    string pol;
    pol = cut_through ? "cut-through" : "store-and-forward";
    if (tx_frames_seen != n_run) fail($sformatf("TX: %0d frame records, expected %0d", tx_frames_seen, n_run));
    if (leaks != 0) fail($sformatf("RX store-and-forward: %0d data blocks of frames not released left the demapper", leaks));
    if (n_run == n_frames && n_vd != n_vq) fail($sformatf("RX: %0d verdicts without a pending frame record", n_vq - n_vd));
    if (n_run < n_frames) begin                // a prefix: what came out so far, verdicts known
      if (n_fr < 1) fail($sformatf("RX: no frame record in the first %0d frames", n_run));
    end else begin
      if (4 * n_out != n_rx66) fail($sformatf("RX: %0d 66b blocks out, rx66b.hex has %0d", 4 * n_out, n_rx66));
      if (n_fr != n_stat) fail($sformatf("RX: %0d frame records, rxstat.hex has %0d", n_fr, n_stat));
    end
    for (int i = 0; i < n_fr; i++)
      if (!pend[i] && got_stat[i] !== u_rstat.mem[i]) begin
        sx = got_stat[i] ^ u_rstat.mem[i];
        sb = 127;
        while (sb > 0 && !sx[sb]) sb--;
        fail($sformatf("RX frame record %0d (rxstat%s.hex word %0d) bit %0d: got %h, expected %h",
                       i, sfx, i, sb, got_stat[i], u_rstat.mem[i]));
      end
    for (int i = 0; i < N_CNT && n_run == n_frames; i++)
      if ((i < N_CNT - 1 ? rc[i] : 32'(n_err)) !== u_rcnt.mem[i])
        fail($sformatf("RX counter %s = %0d, rxcnt%s.hex %0d", cnt_name(i), i < N_CNT - 1 ? rc[i] : 32'(n_err), sfx,
                       u_rcnt.mem[i]));
    if (rk_early) $display("(rekey requested before frame 0: PAD bits and ciphertext from frame %0d not compared, see the header)", MF);
    if (n_run < n_frames) $display("(prefix of %0d of %0d line frames: RX counts and counters not compared)", n_run, n_frames);
    $display("PASS %s: TX %0d line frames, %0d words in range compared (%0d bits), %0d frame records; RX (%s) %0d 66b blocks (%0d undecodable groups), %0d frame records, %0d verdicts, %0d counters; %0d clocks",
             vecdir, n_run, tx_cmp_words, tx_cmp_bits, tx_frames_seen,
             pol, 4 * n_out, n_err, n_fr, n_vd, N_CNT, cyc);
    $finish;
  endtask

endmodule

`default_nettype wire
