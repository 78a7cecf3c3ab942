// SPDX-License-Identifier: Apache-2.0
//
// simbench_top: physec_tx and physec_rx side by side on one clock and reset, as in
// tb/vectors/tb_chain_files.sv, with their ports brought out unchanged (tx_* / rx_*) so
// that cocotb drives and samples them every clock (tb/simbench/chain_files_cocotb.py).
// Wiring only: one cocotb toplevel for the two chain tops.  The RX counters come out as
// one vector, in rxcnt.hex order (counter i in rx_cnt[i]).  Simulation only.

`default_nettype none

module simbench_top (
  input  wire logic            clk,
  input  wire logic            rst,
  // physec_tx
  input  wire logic            tx_start,
  input  wire logic            tx_client_valid,
  input  wire logic [4*66-1:0] tx_client_blocks,
  output logic                 tx_line_valid,
  output logic                 tx_line_sof,
  output logic [255:0]         tx_line_word,
  input  wire logic [1:0]      tx_cfg_mode,
  input  wire logic [31:0]     tx_cfg_link_id,
  input  wire logic            tx_key_we,
  input  wire logic [1:0]      tx_key_an,
  input  wire logic [255:0]    tx_key,
  input  wire logic            tx_key_len,
  input  wire logic [95:0]     tx_salt,
  input  wire logic            tx_rekey_req,
  input  wire logic [1:0]      tx_rekey_an,
  output logic                 tx_fr_valid,
  output logic                 tx_fr_protected,
  output logic [1:0]           tx_fr_mode,
  output logic [13:0]          tx_fr_cm,
  output logic [7:0]           tx_fr_mfas,
  output logic                 tx_alarm_pn,
  output logic                 tx_err_key_refused,
  output logic                 tx_err_rekey_refused,
  output logic                 tx_err_ks,
  output logic                 tx_err_tag_late,
  // physec_rx
  input  wire logic            rx_line_valid,
  input  wire logic [255:0]    rx_line_word,
  output logic                 rx_client_valid,
  output logic [4*66-1:0]      rx_client_blocks,
  output logic                 rx_client_err,
  input  wire logic [31:0]     rx_cfg_link_id,
  input  wire logic            rx_require_security,
  input  wire logic            rx_cut_through,
  input  wire logic            rx_key_we,
  input  wire logic [1:0]      rx_key_an,
  input  wire logic [255:0]    rx_key,
  input  wire logic            rx_key_len,
  input  wire logic [95:0]     rx_salt,
  input  wire logic            rx_finish,
  output logic                 rx_fr_valid,
  output logic                 rx_fr_am_good,
  output logic                 rx_fr_oh_crc_ok,
  output logic                 rx_fr_jc_crc_ok,
  output logic [3:0]           rx_fr_jc_kind,
  output logic                 rx_fr_usable,
  output logic [13:0]          rx_fr_cm,
  output logic [7:0]           rx_fr_mfas,
  output logic [7:0]           rx_fr_stat,
  output logic [1:0]           rx_fr_an,
  output logic [63:0]          rx_fr_pn,
  output logic [1:0]           rx_fr_mode,
  output logic                 rx_fr_pad_invalid,
  output logic                 rx_fr_bypass,
  output logic                 rx_fr_bypass_refused,
  output logic                 rx_fr_unknown_an,
  output logic                 rx_fr_replay,
  output logic                 rx_fr_pn_unpredicted,
  output logic                 rx_fr_key_changed,
  output logic                 rx_fr_pending,
  output logic                 rx_fr_release,
  output logic                 rx_fr_delivered,
  output logic                 rx_vd_valid,
  output logic                 rx_vd_pass,
  output logic                 rx_vd_tag_lost,
  output logic                 rx_vd_tag_mismatch,
  output logic                 rx_vd_key_changed,
  output logic [1:0]           rx_vd_an,
  output logic [63:0]          rx_vd_pn,
  output logic [22:0][31:0]    rx_cnt,
  output logic                 rx_err_ks,
  output logic                 rx_err_buf
);

  physec_tx u_tx (
    .clk(clk), .rst(rst), .start(tx_start), .client_valid(tx_client_valid), .client_blocks(tx_client_blocks),
    .line_valid(tx_line_valid), .line_sof(tx_line_sof), .line_word(tx_line_word),
    .cfg_mode(tx_cfg_mode), .cfg_link_id(tx_cfg_link_id), .key_we(tx_key_we), .key_an(tx_key_an), .key(tx_key),
    .key_len(tx_key_len), .salt(tx_salt), .erase(1'b0), .erase_an(2'd0), .rekey_req(tx_rekey_req),
    .rekey_an(tx_rekey_an),
    .fr_valid(tx_fr_valid), .fr_protected(tx_fr_protected), .fr_mode(tx_fr_mode), .fr_an(),
    .fr_pn(), .fr_tag_valid(), .fr_kcp(), .fr_next_an(), .fr_cm(tx_fr_cm), .fr_mfas(tx_fr_mfas),
    .st_active(), .st_an(), .st_rekey_pending(), .alarm_pn(tx_alarm_pn), .err_key_refused(tx_err_key_refused),
    .err_rekey_refused(tx_err_rekey_refused), .err_ks(tx_err_ks), .err_tag_late(tx_err_tag_late),
    .cnt_frames(), .cnt_underflow(), .cnt_overflow()
  );

  physec_rx u_rx (
    .clk(clk), .rst(rst), .line_valid(rx_line_valid), .line_word(rx_line_word),
    .client_valid(rx_client_valid), .client_blocks(rx_client_blocks), .client_err(rx_client_err),
    .cfg_cut_through(rx_cut_through), .cfg_link_id(rx_cfg_link_id), .require_security(rx_require_security),
    .key_we(rx_key_we),
    .key_an(rx_key_an), .key(rx_key), .key_len(rx_key_len), .salt(rx_salt), .erase(1'b0), .erase_an(2'd0),
    .finish(rx_finish),
    .fr_valid(rx_fr_valid), .fr_am_good(rx_fr_am_good), .fr_oh_crc_ok(rx_fr_oh_crc_ok),
    .fr_jc_crc_ok(rx_fr_jc_crc_ok), .fr_jc_kind(rx_fr_jc_kind), .fr_usable(rx_fr_usable), .fr_cm(rx_fr_cm),
    .fr_mfas(rx_fr_mfas), .fr_stat(rx_fr_stat), .fr_an(rx_fr_an), .fr_pn(rx_fr_pn), .fr_mode(rx_fr_mode),
    .fr_pad_invalid(rx_fr_pad_invalid), .fr_bypass(rx_fr_bypass), .fr_bypass_refused(rx_fr_bypass_refused),
    .fr_unknown_an(rx_fr_unknown_an), .fr_replay(rx_fr_replay), .fr_pn_unpredicted(rx_fr_pn_unpredicted),
    .fr_key_changed(rx_fr_key_changed),
    .fr_pending(rx_fr_pending), .fr_release(rx_fr_release), .fr_delivered(rx_fr_delivered),
    .vd_valid(rx_vd_valid), .vd_pass(rx_vd_pass), .vd_tag_lost(rx_vd_tag_lost),
    .vd_tag_mismatch(rx_vd_tag_mismatch), .vd_key_changed(rx_vd_key_changed), .vd_an(rx_vd_an), .vd_pn(rx_vd_pn), .locked(),
    .cnt_frames(rx_cnt[0]), .cnt_am_bad(rx_cnt[1]), .cnt_oh_crc_errors(rx_cnt[2]),
    .cnt_jc_crc_errors(rx_cnt[3]), .cnt_jc_pattern_errors(rx_cnt[4]), .cnt_unusable_frames(rx_cnt[5]),
    .cnt_lock_losses(rx_cnt[6]), .cnt_locks(rx_cnt[7]), .cnt_lost_frames(rx_cnt[8]),
    .cnt_error_blocks(rx_cnt[9]), .cnt_sec_dropped(rx_cnt[10]), .cnt_sec_frames(rx_cnt[11]),
    .cnt_sec_passed(rx_cnt[12]), .cnt_sec_failed(rx_cnt[13]), .cnt_sec_bypass(rx_cnt[14]),
    .cnt_sec_tag_failures(rx_cnt[15]), .cnt_sec_tags_lost(rx_cnt[16]), .cnt_sec_replays(rx_cnt[17]),
    .cnt_sec_unknown_an(rx_cnt[18]), .cnt_sec_pad_errors(rx_cnt[19]), .cnt_sec_pn_unpredicted(rx_cnt[20]),
    .cnt_sec_key_switches(rx_cnt[21]), .cnt_sec_key_changed(rx_cnt[22]), .err_ks(rx_err_ks),
    .err_buf(rx_err_buf)
  );

endmodule

`default_nettype wire
