// SPDX-License-Identifier: Apache-2.0
//
// physec_sec_tx_tb: a stimulus player and capture around physec_sec_tx, so that a cocotb
// test drives and samples nothing per clock (cocotb's per-clock loop costs ~300 us a
// clock; a frame is 2570 clocks).  Simulation testbench only (uses $readmemh /
// $writememh), not part of rtl/.
//
// Protocol (files in the simulator's working directory):
//   cocotb writes stim.hex: one line per clock, 265 bits (67 hex digits):
//     [264] rst  [263] key_we  [262] rekey_req  [261:260] AN (key_an and rekey_an)
//     [259:258] key table entry for key_we  [257] in_valid  [256] in_sof  [255:0] in_word
//   sets n_stim (lines), cfg_mode, cfg_link_id and key_tab (4 entries of {key[255:0],
//   key_len, salt[95:0]}, entry i at [353*i +: 353]), then pulses go.
//   The player drives line p of stim.hex in clock p (p = 0 .. n_stim-1; idle after) and
//   records in clock p (the DUT's outputs during that clock) cap[p] =
//     {alarm_pn, err_rekey_refused, err_key_refused, err_ks, err_tag_late,
//      out_valid, out_sof, out_word}  (263 bits)
//   for p = 0 .. n_stim + TAIL - 1, and per fr_valid one record
//     {clock p, fr_protected, fr_mode, fr_an, fr_pn, fr_tag_valid, fr_kcp, fr_next_an}
//   (105 bits), then writes cap.hex and fr.hex (n_fr records) and raises done (go
//   again restarts: several cocotb tests run in one simulation).
//   So an input in clock p with latency L appears in cap[p + L].

`default_nettype none

module physec_sec_tx_tb #(
  parameter int NW   = 131072,     // stimulus clocks at most
  parameter int NF   = 64,         // frames at most
  parameter int TAIL = 16
) (
  input  wire logic             clk,
  input  wire logic             go,
  input  wire logic [31:0]      n_stim,
  input  wire logic [1:0]       cfg_mode,
  input  wire logic [31:0]      cfg_link_id,
  input  wire logic [4*353-1:0] key_tab,
  output logic                  done,
  output logic [31:0]           n_fr
);

  logic [264:0] stim [NW];
  logic [262:0] cap  [NW + TAIL];
  logic [104:0] frc  [NF];
  logic [31:0]  pc_q;
  logic         play_q;

  wire logic [264:0] s = (play_q && pc_q < n_stim) ? stim[pc_q] : '0;
  wire logic [352:0] kt = key_tab[353 * s[259:258] +: 353];

  logic              out_valid, out_sof, fr_valid, fr_protected, fr_tag_valid, fr_kcp;
  logic [255:0]      out_word;
  logic [1:0]        fr_mode, fr_an, fr_next_an, st_an;
  logic [63:0]       fr_pn;
  logic              st_active, st_rekey_pending, alarm_pn, err_key_refused, err_rekey_refused;
  logic              err_ks, err_tag_late;

  physec_sec_tx u_dut (
    .clk              (clk),
    .rst              (s[264]),
    .cfg_mode         (cfg_mode),
    .cfg_link_id      (cfg_link_id),
    .key_we           (s[263]),
    .key_an           (s[261:260]),
    .key              (kt[352:97]),
    .key_len          (kt[96]),
    .salt             (kt[95:0]),
    .erase            (1'b0),
    .erase_an         (2'd0),
    .rekey_req        (s[262]),
    .rekey_an         (s[261:260]),
    .in_valid         (s[257]),
    .in_sof           (s[256]),
    .in_word          (s[255:0]),
    .out_valid        (out_valid),
    .out_sof          (out_sof),
    .out_word         (out_word),
    .fr_valid         (fr_valid),
    .fr_protected     (fr_protected),
    .fr_mode          (fr_mode),
    .fr_an            (fr_an),
    .fr_pn            (fr_pn),
    .fr_tag_valid     (fr_tag_valid),
    .fr_kcp           (fr_kcp),
    .fr_next_an       (fr_next_an),
    .st_active        (st_active),
    .st_an            (st_an),
    .st_rekey_pending (st_rekey_pending),
    .alarm_pn         (alarm_pn),
    .err_key_refused  (err_key_refused),
    .err_rekey_refused(err_rekey_refused),
    .err_ks           (err_ks),
    .err_tag_late     (err_tag_late)
  );
  wire logic unused = &{1'b0, st_active, st_an, st_rekey_pending};

  logic wr_q;

  initial begin
    play_q = 1'b0;
    wr_q   = 1'b0;
    done   = 1'b0;
    pc_q   = '0;
    n_fr   = '0;
  end

  always @(posedge clk) begin
    wr_q <= 1'b0;
    if (go && !play_q) begin
      $readmemh("stim.hex", stim, 0, n_stim - 1);
      play_q <= 1'b1;
      done   <= 1'b0;
      pc_q   <= '0;
      n_fr   <= '0;
    end else if (play_q) begin
      cap[pc_q] <= {alarm_pn, err_rekey_refused, err_key_refused, err_ks, err_tag_late,
                    out_valid, out_sof, out_word};
      if (fr_valid && n_fr < NF) begin
        frc[n_fr] <= {pc_q, fr_protected, fr_mode, fr_an, fr_pn, fr_tag_valid, fr_kcp, fr_next_an};
        n_fr      <= n_fr + 32'd1;
      end
      pc_q <= pc_q + 32'd1;
      if (pc_q == n_stim + TAIL - 1) begin
        play_q <= 1'b0;
        wr_q   <= 1'b1;
      end
    end
    // Files are written one clock after the last record, then done.
    if (wr_q) begin
      $writememh("cap.hex", cap, 0, n_stim + TAIL - 1);
      if (n_fr != 0) $writememh("fr.hex", frc, 0, n_fr - 1);
      done <= 1'b1;
    end
  end

endmodule

`default_nettype wire
