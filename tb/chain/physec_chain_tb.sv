// SPDX-License-Identifier: Apache-2.0
//
// physec_chain_tb: a stimulus player and capture around the chain tops, for the cocotb
// tests of tb/physec_tx (HAS_TX), tb/physec_rx (HAS_RX) and tb/chain (both, the RX
// input being the TX output delayed by rx_off bits).  cocotb writes files and reads
// files; nothing is driven or sampled per clock from Python.  Simulation only.
//
// Protocol (files in the simulator's working directory), as physec_sec_tx_tb:
//   stim.hex: one line per clock, 280 bits (70 hex digits):
//     [279:278] 0  [277] TX erase  [276] RX erase (AN in [271:270])
//     [275] rst  [274] TX key_we  [273] RX key_we  [272] TX rekey_req
//     [271:270] AN (key_an, rekey_an)  [269:268] key table entry  [267] RX require_security
//     [266] RX finish  [265] TX client_valid  [264] RX line_valid (RX-only runs)
//     [263:0] TX client_blocks, or the RX line_word in [255:0] (RX-only runs)
//   key_tab: 4 entries {key[255:0], key_len, salt[95:0]}, entry i at [353*i +: 353].
//   Line p of stim.hex is driven in clock p; records carry the clock p in which the
//   output was seen (registered outputs after the edge that ends clock p - 1).
//   cap.hex, per clock p < n_stim + TAIL (258 bits): {TX line_valid, line_sof, line_word}
//     (zeros without HAS_TX)
//   tfr.hex, per TX fr_valid (127 bits): {p[31:0], fr_protected, fr_mode, fr_an, fr_pn,
//     fr_tag_valid, fr_kcp, fr_next_an, fr_cm, fr_mfas}
//   blk.hex, per RX client_valid (297 bits): {p[31:0], client_err, client_blocks}
//   rfr.hex, per RX fr_valid (148 bits): {p[31:0], am_good, oh_crc_ok, jc_crc_ok,
//     jc_kind[3:0], usable, cm[13:0], mfas, stat, an, pn, mode, pad_invalid, bypass,
//     bypass_refused, unknown_an, replay, pn_unpredicted, key_changed, pending, release,
//     delivered}
//   vd.hex, per RX vd_valid (102 bits): {p[31:0], pass, tag_lost, tag_mismatch,
//     key_changed, an, pn}
//   cnt.hex, one line (32 x 32 bits, counter i in [32*i +: 32]): RX cnt_frames, am_bad,
//     oh_crc_errors, jc_crc_errors, jc_pattern_errors, unusable_frames, lock_losses,
//     locks, lost_frames, error_blocks, sec_dropped, sec_frames, sec_passed, sec_failed,
//     sec_bypass, sec_tag_failures, sec_tags_lost, sec_replays, sec_unknown_an,
//     sec_pad_errors, sec_pn_unpredicted, sec_key_switches, sec_key_changed (i = 0..22);
//     TX cnt_frames, cnt_underflow, cnt_overflow (23..25); flags (26): bits {RX err_buf,
//     RX locked, RX err_ks, TX alarm_pn, err_key_refused, err_rekey_refused, err_ks,
//     err_tag_late}, each ORed over the run (locked: at the end).
//   rx_cut_through: the receiver's policy for the run (0 store-and-forward).
//   sf_leaks: (store-and-forward runs) demapper data blocks (not inserted errors) emitted
//     while the frame being demapped is not released: must stay 0 (read from cocotb).

`default_nettype none

module physec_chain_tb #(
  parameter int NW     = 65536,    // stimulus clocks at most
  parameter int NB     = 65536,    // RX client records at most
  parameter int NF     = 64,       // frame / verdict records at most
  parameter int TAIL   = 8,        // clocks recorded after the stimulus (chainlib.TAIL)
  parameter bit HAS_TX = 1'b1,
  parameter bit HAS_RX = 1'b1
) (
  input  wire logic             clk,
  input  wire logic             go,
  input  wire logic [31:0]      n_stim,
  input  wire logic [1:0]       cfg_mode,
  input  wire logic [31:0]      cfg_link_id,
  input  wire logic [4*353-1:0] key_tab,
  input  wire logic [7:0]       rx_off,      // chain: RX input = TX line delayed rx_off bits
  input  wire logic             rx_cut_through,
  output logic                  done,
  output logic [31:0]           sf_leaks
);

  localparam int SW = 280;

  logic [SW-1:0] stim [NW];
  logic [31:0]   pc_q;
  logic          play_q, wr_q;

  wire logic [SW-1:0] s  = (play_q && pc_q < n_stim) ? stim[pc_q] : '0;
  wire logic [352:0]  kt = key_tab[353 * s[269:268] +: 353];
  wire logic          rst = s[275];

  // Counter and flag record: counters from the generate blocks, flags ORed here.
  logic [26*32-1:0] cnt;
  logic [6:0]       flags_q, flags_now;
  logic             rx_locked;
  logic [32*32-1:0] cntm [1];
  logic [257:0]     cap [NW + TAIL];
  logic             tx_valid, tx_sof;
  logic [255:0]     tx_word;

  initial begin
    play_q = 1'b0;
    wr_q   = 1'b0;
    done   = 1'b0;
    pc_q   = '0;
  end

  always @(posedge clk) begin
    wr_q <= 1'b0;
    if (go && !play_q) begin
      $readmemh("stim.hex", stim, 0, n_stim - 1);
      play_q  <= 1'b1;
      done    <= 1'b0;
      pc_q    <= '0;
      flags_q <= '0;
    end else if (play_q) begin
      flags_q   <= flags_q | flags_now;
      cap[pc_q] <= {tx_valid, tx_sof, tx_word};
      pc_q      <= pc_q + 32'd1;
      if (pc_q == n_stim + TAIL - 1) begin
        play_q  <= 1'b0;
        wr_q    <= 1'b1;
        cntm[0] <= {160'd0, 24'd0, rx_locked, flags_q | flags_now, cnt};
      end
    end
    if (wr_q) begin
      $writememh("cap.hex", cap, 0, n_stim + TAIL - 1);
      $writememh("cnt.hex", cntm);
      done <= 1'b1;
    end
  end

  // ==================================================================== transmitter
  if (HAS_TX) begin : g_tx
    logic [126:0] frc [NF];
    logic [31:0]  n_fr;
    logic         fr_valid, fr_protected, fr_tag_valid, fr_kcp;
    logic [1:0]   fr_mode, fr_an, fr_next_an, st_an;
    logic [63:0]  fr_pn;
    logic [13:0]  fr_cm;
    logic [7:0]   fr_mfas;
    logic         st_active, st_rekey_pending, alarm_pn, err_key_refused, err_rekey_refused;
    logic         err_ks, err_tag_late;
    logic [31:0]  cnt_frames, cnt_underflow, cnt_overflow;

    physec_tx u_tx (
      .clk              (clk),
      .rst              (rst),
      .start            (1'b1),             // today's timing: frame 0 blank
      .client_valid     (s[265]),
      .client_blocks    (s[263:0]),
      .line_valid       (tx_valid),
      .line_sof         (tx_sof),
      .line_word        (tx_word),
      .cfg_mode         (cfg_mode),
      .cfg_link_id      (cfg_link_id),
      .key_we           (s[274]),
      .key_an           (s[271:270]),
      .key              (kt[352:97]),
      .key_len          (kt[96]),
      .salt             (kt[95:0]),
      .erase            (s[277]),
      .erase_an         (s[271:270]),
      .rekey_req        (s[272]),
      .rekey_an         (s[271:270]),
      .fr_valid         (fr_valid),
      .fr_protected     (fr_protected),
      .fr_mode          (fr_mode),
      .fr_an            (fr_an),
      .fr_pn            (fr_pn),
      .fr_tag_valid     (fr_tag_valid),
      .fr_kcp           (fr_kcp),
      .fr_next_an       (fr_next_an),
      .fr_cm            (fr_cm),
      .fr_mfas          (fr_mfas),
      .st_active        (st_active),
      .st_an            (st_an),
      .st_rekey_pending (st_rekey_pending),
      .alarm_pn         (alarm_pn),
      .err_key_refused  (err_key_refused),
      .err_rekey_refused(err_rekey_refused),
      .err_ks           (err_ks),
      .err_tag_late     (err_tag_late),
      .cnt_frames       (cnt_frames),
      .cnt_underflow    (cnt_underflow),
      .cnt_overflow     (cnt_overflow)
    );
    wire logic unused = &{1'b0, st_active, st_an, st_rekey_pending};

    assign flags_now[4:0] = {alarm_pn, err_key_refused, err_rekey_refused, err_ks, err_tag_late};
    assign cnt[32*23 +: 96] = {cnt_overflow, cnt_underflow, cnt_frames};

    always @(posedge clk) begin
      if (go && !play_q) begin
        n_fr <= '0;
      end else if (play_q) begin
        if (fr_valid && n_fr < NF) begin
          frc[n_fr] <= {pc_q, fr_protected, fr_mode, fr_an, fr_pn, fr_tag_valid, fr_kcp, fr_next_an, fr_cm,
                        fr_mfas};
          n_fr      <= n_fr + 32'd1;
        end
      end
      if (wr_q) begin
        if (n_fr != 0) $writememh("tfr.hex", frc, 0, n_fr - 1);
      end
    end
  end else begin : g_no_tx
    assign tx_valid       = 1'b0;
    assign tx_sof         = 1'b0;
    assign tx_word        = '0;
    assign flags_now[4:0] = '0;
    assign cnt[32*23 +: 96] = '0;
  end

  // ==================================================================== receiver
  if (HAS_RX) begin : g_rx
    logic [296:0] blc [NB];
    logic [147:0] frc [NF];
    logic [101:0] vdc [NF];
    logic [31:0]  n_blk, n_fr, n_vd;

    // Chain: the TX line delayed by rx_off bits (the bits of the word before come first).
    logic [255:0] prev_q;
    always_ff @(posedge clk) begin
      if (rst)           prev_q <= '0;        // the model's prefix: rx_off zero bits
      else if (tx_valid) prev_q <= tx_word;
    end
    wire logic [511:0]  cat     = {prev_q, tx_word} >> rx_off;
    wire logic          r_valid = HAS_TX ? tx_valid : s[264];
    wire logic [255:0]  r_word  = HAS_TX ? cat[255:0] : s[255:0];

    logic         client_valid, client_err, locked, err_ks;
    logic [263:0] client_blocks;
    logic         fr_valid, am_good, oh_ok, jc_ok, usable, pad_inv, bypass, bp_ref, unknown, replay, unpred, keychg;
    logic         pending, release_, delivered;
    logic [3:0]   jc_kind;
    logic [13:0]  cm;
    logic [7:0]   mfas, stat;
    logic [1:0]   an, mode, vd_an;
    logic [63:0]  pn, vd_pn;
    logic         vd_valid, vd_pass, vd_lost, vd_mism, vd_keychg, err_buf;
    logic [32*23-1:0] c;

    physec_rx u_rx (
      .clk                   (clk),
      .rst                   (rst),
      .line_valid            (r_valid),
      .line_word             (r_word),
      .client_valid          (client_valid),
      .client_blocks         (client_blocks),
      .client_err            (client_err),
      .cfg_cut_through       (rx_cut_through),
      .cfg_link_id           (cfg_link_id),
      .require_security      (s[267]),
      .key_we                (s[273]),
      .key_an                (s[271:270]),
      .key                   (kt[352:97]),
      .key_len               (kt[96]),
      .salt                  (kt[95:0]),
      .erase                 (s[276]),
      .erase_an              (s[271:270]),
      .finish                (s[266]),
      .fr_valid              (fr_valid),
      .fr_am_good            (am_good),
      .fr_oh_crc_ok          (oh_ok),
      .fr_jc_crc_ok          (jc_ok),
      .fr_jc_kind            (jc_kind),
      .fr_usable             (usable),
      .fr_cm                 (cm),
      .fr_mfas               (mfas),
      .fr_stat               (stat),
      .fr_an                 (an),
      .fr_pn                 (pn),
      .fr_mode               (mode),
      .fr_pad_invalid        (pad_inv),
      .fr_bypass             (bypass),
      .fr_bypass_refused     (bp_ref),
      .fr_unknown_an         (unknown),
      .fr_replay             (replay),
      .fr_pn_unpredicted     (unpred),
      .fr_key_changed        (keychg),
      .fr_pending            (pending),
      .fr_release            (release_),
      .fr_delivered          (delivered),
      .vd_valid              (vd_valid),
      .vd_pass               (vd_pass),
      .vd_tag_lost           (vd_lost),
      .vd_tag_mismatch       (vd_mism),
      .vd_key_changed        (vd_keychg),
      .vd_an                 (vd_an),
      .vd_pn                 (vd_pn),
      .locked                (locked),
      .cnt_frames            (c[32*0 +: 32]),
      .cnt_am_bad            (c[32*1 +: 32]),
      .cnt_oh_crc_errors     (c[32*2 +: 32]),
      .cnt_jc_crc_errors     (c[32*3 +: 32]),
      .cnt_jc_pattern_errors (c[32*4 +: 32]),
      .cnt_unusable_frames   (c[32*5 +: 32]),
      .cnt_lock_losses       (c[32*6 +: 32]),
      .cnt_locks             (c[32*7 +: 32]),
      .cnt_lost_frames       (c[32*8 +: 32]),
      .cnt_error_blocks      (c[32*9 +: 32]),
      .cnt_sec_dropped       (c[32*10 +: 32]),
      .cnt_sec_frames        (c[32*11 +: 32]),
      .cnt_sec_passed        (c[32*12 +: 32]),
      .cnt_sec_failed        (c[32*13 +: 32]),
      .cnt_sec_bypass        (c[32*14 +: 32]),
      .cnt_sec_tag_failures  (c[32*15 +: 32]),
      .cnt_sec_tags_lost     (c[32*16 +: 32]),
      .cnt_sec_replays       (c[32*17 +: 32]),
      .cnt_sec_unknown_an    (c[32*18 +: 32]),
      .cnt_sec_pad_errors    (c[32*19 +: 32]),
      .cnt_sec_pn_unpredicted(c[32*20 +: 32]),
      .cnt_sec_key_switches  (c[32*21 +: 32]),
      .cnt_sec_key_changed   (c[32*22 +: 32]),
      .err_ks                (err_ks),
      .err_buf               (err_buf)
    );

    assign cnt[0 +: 32*23] = c;
    assign flags_now[6:5]  = {err_buf, err_ks};
    assign rx_locked       = locked;

    // Store-and-forward, checked inside the chain (not only against the model's files): a
    // data block (not an inserted ERROR_257B) out of the demapper while the frame it
    // demaps is not released is a leak.  physec_sec_rxbuf's held release is that frame's.
    always @(posedge clk) begin
      if (go && !play_q) sf_leaks <= '0;
      else if (!rx_cut_through && u_rx.b_valid && !u_rx.b_err && !u_rx.b_release)
        sf_leaks <= sf_leaks + 32'd1;
    end

    always @(posedge clk) begin
      if (go && !play_q) begin
        n_blk <= '0;
        n_fr  <= '0;
        n_vd  <= '0;
      end else if (play_q) begin
        if (client_valid && n_blk < NB) begin
          blc[n_blk] <= {pc_q, client_err, client_blocks};
          n_blk      <= n_blk + 32'd1;
        end
        if (fr_valid && n_fr < NF) begin
          frc[n_fr] <= {pc_q, am_good, oh_ok, jc_ok, jc_kind, usable, cm, mfas, stat, an, pn, mode, pad_inv, bypass,
                        bp_ref, unknown, replay, unpred, keychg, pending, release_, delivered};
          n_fr      <= n_fr + 32'd1;
        end
        if (vd_valid && n_vd < NF) begin
          vdc[n_vd] <= {pc_q, vd_pass, vd_lost, vd_mism, vd_keychg, vd_an, vd_pn};
          n_vd      <= n_vd + 32'd1;
        end
      end
      if (wr_q) begin
        if (n_blk != 0) $writememh("blk.hex", blc, 0, n_blk - 1);
        if (n_fr != 0)  $writememh("rfr.hex", frc, 0, n_fr - 1);
        if (n_vd != 0)  $writememh("vd.hex", vdc, 0, n_vd - 1);
      end
    end
  end else begin : g_no_rx
    assign cnt[0 +: 32*23] = '0;
    assign flags_now[6:5]  = 2'b00;
    assign sf_leaks        = '0;
    assign rx_locked       = 1'b0;
  end

endmodule

`default_nettype wire
