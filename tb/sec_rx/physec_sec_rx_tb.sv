// SPDX-License-Identifier: Apache-2.0
//
// physec_sec_rx_tb: a stimulus player and capture around physec_sec_rx, with a
// physec_sec_tx in front for the loopback (TX out -> RX in), so that a cocotb test drives
// and samples nothing per clock.  Simulation testbench only ($readmemh / $writememh).
//
// Protocol (files in the simulator's working directory), as physec_sec_tx_tb:
//   stim.hex: one line per clock, 272 bits (68 hex digits):
//     [271] TX erase  [270] RX erase (AN in [261:260])  [269] RX lost (loss of lock)
//     [268] rst  [267] loop (RX input = TX output, else the stimulus word)
//     [266] require_security  [265] finish  [264] TX rekey_req  [263] RX key_we
//     [262] TX key_we  [261:260] AN (key_an, rekey_an)  [259:258] key table entry
//     [257] valid  [256] sof  [255:0] word (the TX input, and the RX input unless loop)
//   cap[p] for clock p = 0 .. n_stim + TAIL - 1 (519 bits):
//     {tx.err_ks, tx.err_tag_late, rx.err_ks, rx in_valid, in_sof, in_word[255:0],
//      rx out_valid, out_sof, out_word[255:0]}
//   fs.hex, per fs_valid (109 bits): {clock, fs_an, fs_pn, fs_mode, fs_pad_invalid,
//     fs_bypass, fs_bypass_refused, fs_unknown_an, fs_replay, fs_pn_unpredicted,
//     fs_key_changed, fs_pending, fs_release}
//   vd.hex, per vd_valid (102 bits): {clock, vd_pass, vd_tag_lost, vd_tag_mismatch,
//     vd_key_changed, vd_an, vd_pn}
//   Counters are read from u_rx.cnt_* after done.  tx_en = 0 stops the transmitter's
//   clock (it is needed only for the loopback).

`default_nettype none

module physec_sec_rx_tb #(
  parameter int NW   = 131072,
  parameter int NF   = 64,
  parameter int TAIL = 16
) (
  input  wire logic             clk,
  input  wire logic             tx_en,      // clock the transmitter (loopback scenarios)
  input  wire logic             go,
  input  wire logic [31:0]      n_stim,
  input  wire logic [1:0]       cfg_mode,
  input  wire logic [31:0]      cfg_link_id,
  input  wire logic [4*353-1:0] key_tab,
  output logic                  done,
  output logic [31:0]           n_fs,
  output logic [31:0]           n_vd
);

  logic [271:0] stim [NW];
  logic [518:0] cap  [NW + TAIL];
  logic [108:0] fsc  [NF];
  logic [101:0] vdc  [NF];
  logic [31:0]  pc_q;
  logic         play_q, wr_q;

  wire logic [271:0] s  = (play_q && pc_q < n_stim) ? stim[pc_q] : '0;
  wire logic [352:0] kt = key_tab[353 * s[259:258] +: 353];

  // ---- Transmitter (loopback source).
  logic         t_valid, t_sof;
  logic [255:0] t_word;
  logic         t_fr_valid, t_fr_prot, t_fr_tv, t_fr_kcp, t_active, t_pend, t_alarm;
  logic         t_key_ref, t_rekey_ref, t_err_ks, t_err_late;
  logic [1:0]   t_fr_mode, t_fr_an, t_fr_nan, t_an;
  logic [63:0]  t_fr_pn;

  // The transmitter's clock is gated off unless a scenario uses it: Verilator then skips
  // its (every-clock) AES and GHASH evaluation.  tx_en changes only while clk is low.
  wire logic tx_clk = clk & tx_en;

  physec_sec_tx u_tx (
    .clk              (tx_clk),
    .rst              (s[268]),
    .cfg_mode         (cfg_mode),
    .cfg_link_id      (cfg_link_id),
    .key_we           (s[262]),
    .key_an           (s[261:260]),
    .key              (kt[352:97]),
    .key_len          (kt[96]),
    .salt             (kt[95:0]),
    .erase            (s[271]),
    .erase_an         (s[261:260]),
    .rekey_req        (s[264]),
    .rekey_an         (s[261:260]),
    .in_valid         (s[257]),
    .in_sof           (s[256]),
    .in_word          (s[255:0]),
    .out_valid        (t_valid),
    .out_sof          (t_sof),
    .out_word         (t_word),
    .fr_valid         (t_fr_valid),
    .fr_protected     (t_fr_prot),
    .fr_mode          (t_fr_mode),
    .fr_an            (t_fr_an),
    .fr_pn            (t_fr_pn),
    .fr_tag_valid     (t_fr_tv),
    .fr_kcp           (t_fr_kcp),
    .fr_next_an       (t_fr_nan),
    .st_active        (t_active),
    .st_an            (t_an),
    .st_rekey_pending (t_pend),
    .alarm_pn         (t_alarm),
    .err_key_refused  (t_key_ref),
    .err_rekey_refused(t_rekey_ref),
    .err_ks           (t_err_ks),
    .err_tag_late     (t_err_late)
  );
  wire logic unused_tx = &{1'b0, t_fr_valid, t_fr_prot, t_fr_tv, t_fr_kcp, t_active, t_pend, t_alarm,
                           t_key_ref, t_rekey_ref, t_fr_mode, t_fr_an, t_fr_nan, t_an, t_fr_pn};

  // ---- Receiver.
  wire logic         r_valid = s[267] ? t_valid : s[257];
  wire logic         r_sof   = s[267] ? t_sof   : s[256];
  wire logic [255:0] r_word  = s[267] ? t_word  : s[255:0];

  logic         o_valid, o_sof;
  logic [255:0] o_word;
  logic         fs_valid, fs_pad_invalid, fs_bypass, fs_bypass_refused, fs_unknown_an, fs_replay;
  logic         fs_pn_unpredicted, fs_key_changed, fs_pending, fs_release;
  logic [1:0]   fs_an, fs_mode, vd_an;
  logic [63:0]  fs_pn, vd_pn;
  logic         vd_valid, vd_pass, vd_tag_lost, vd_tag_mismatch, vd_key_changed, r_err_ks;
  logic [31:0]  cnt_frames, cnt_passed, cnt_failed, cnt_bypass, cnt_tag_failures, cnt_tags_lost;
  logic [31:0]  cnt_replays, cnt_unknown_an, cnt_pad_errors, cnt_pn_unpredicted, cnt_key_switches;
  logic [31:0]  cnt_key_changed;

  physec_sec_rx u_rx (
    .clk               (clk),
    .rst               (s[268]),
    .cfg_link_id       (cfg_link_id),
    .require_security  (s[266]),
    .key_we            (s[263]),
    .key_an            (s[261:260]),
    .key               (kt[352:97]),
    .key_len           (kt[96]),
    .salt              (kt[95:0]),
    .erase             (s[270]),
    .erase_an          (s[261:260]),
    .finish            (s[265]),
    .lost              (s[269]),
    .in_valid          (r_valid),
    .in_sof            (r_sof),
    .in_word           (r_word),
    .out_valid         (o_valid),
    .out_sof           (o_sof),
    .out_word          (o_word),
    .fs_valid          (fs_valid),
    .fs_an             (fs_an),
    .fs_pn             (fs_pn),
    .fs_mode           (fs_mode),
    .fs_pad_invalid    (fs_pad_invalid),
    .fs_bypass         (fs_bypass),
    .fs_bypass_refused (fs_bypass_refused),
    .fs_unknown_an     (fs_unknown_an),
    .fs_replay         (fs_replay),
    .fs_pn_unpredicted (fs_pn_unpredicted),
    .fs_key_changed    (fs_key_changed),
    .fs_pending        (fs_pending),
    .fs_release        (fs_release),
    .vd_valid          (vd_valid),
    .vd_pass           (vd_pass),
    .vd_tag_lost       (vd_tag_lost),
    .vd_tag_mismatch   (vd_tag_mismatch),
    .vd_key_changed    (vd_key_changed),
    .vd_an             (vd_an),
    .vd_pn             (vd_pn),
    .cnt_frames        (cnt_frames),
    .cnt_passed        (cnt_passed),
    .cnt_failed        (cnt_failed),
    .cnt_bypass        (cnt_bypass),
    .cnt_tag_failures  (cnt_tag_failures),
    .cnt_tags_lost     (cnt_tags_lost),
    .cnt_replays       (cnt_replays),
    .cnt_unknown_an    (cnt_unknown_an),
    .cnt_pad_errors    (cnt_pad_errors),
    .cnt_pn_unpredicted(cnt_pn_unpredicted),
    .cnt_key_switches  (cnt_key_switches),
    .cnt_key_changed   (cnt_key_changed),
    .err_ks            (r_err_ks)
  );

  initial begin
    play_q = 1'b0;
    wr_q   = 1'b0;
    done   = 1'b0;
    pc_q   = '0;
    n_fs   = '0;
    n_vd   = '0;
  end

  always @(posedge clk) begin
    wr_q <= 1'b0;
    if (go && !play_q) begin
      $readmemh("stim.hex", stim, 0, n_stim - 1);
      play_q <= 1'b1;
      done   <= 1'b0;
      pc_q   <= '0;
      n_fs   <= '0;
      n_vd   <= '0;
    end else if (play_q) begin
      cap[pc_q] <= {tx_en && t_err_ks, tx_en && t_err_late, r_err_ks, r_valid, r_sof, r_word, o_valid, o_sof,
                    o_word};
      if (fs_valid && n_fs < NF) begin
        fsc[n_fs] <= {pc_q, fs_an, fs_pn, fs_mode, fs_pad_invalid, fs_bypass, fs_bypass_refused, fs_unknown_an,
                      fs_replay, fs_pn_unpredicted, fs_key_changed, fs_pending, fs_release};
        n_fs      <= n_fs + 32'd1;
      end
      if (vd_valid && n_vd < NF) begin
        vdc[n_vd] <= {pc_q, vd_pass, vd_tag_lost, vd_tag_mismatch, vd_key_changed, vd_an, vd_pn};
        n_vd      <= n_vd + 32'd1;
      end
      pc_q <= pc_q + 32'd1;
      if (pc_q == n_stim + TAIL - 1) begin
        play_q <= 1'b0;
        wr_q   <= 1'b1;
      end
    end
    if (wr_q) begin
      $writememh("cap.hex", cap, 0, n_stim + TAIL - 1);
      if (n_fs != 0) $writememh("fs.hex", fsc, 0, n_fs - 1);
      if (n_vd != 0) $writememh("vd.hex", vdc, 0, n_vd - 1);
      done <= 1'b1;
    end
  end

endmodule

`default_nettype wire
