// SPDX-License-Identifier: Apache-2.0
//
// physec_core: the integrated PHYSec core (spec 12): the register block physec_csr and
// the chain tops physec_tx and physec_rx in one clock domain.  Software configures and
// observes both directions over one AXI4-Lite slave (docs/registers.md); the datapath
// ports are those of the chain tops with tx_ / rx_ in front.
//
//                   s_axil_* (AXI4-Lite, docs/registers.md)
//                           |
//                   +---------------+
//                   |  physec_csr   |  tx_cfg_*, tx_key*, tx_salt, tx_rekey_*  -> physec_tx
//                   |               |  rx_cfg_*, rx_require_security, rx_key*,
//                   |               |  rx_salt                                 -> physec_rx
//                   |               |  <- st_*, err_*, locked, cnt_* of both tops
//                   +---------------+
//                     |           |
//   tx_client_* --> physec_tx ------------------------> tx_line_*     (to the line)
//                     |  tx_fr_* (per-frame record, for a monitor)
//   rx_line_*   --> physec_rx ------------------------> rx_client_*   (to the client)
//                        rx_fr_*, rx_vd_* (per-frame record and verdict, for a monitor)
//
// The model equivalent: physec_tx = pcs_tx 66b -> transcode_257b -> FrameTx(p, b257,
// SecTx); physec_rx = Deframer(p, SecRx(..., CUT_THROUGH)) fed the line and never
// finished -> detranscode_257b (rtl/top/physec_tx.sv, physec_rx.sv).
//
// Ports (clk: the datapath's clock, also the bus clock; rst synchronous, active high,
// resets the registers, the keys, the state and every counter of both directions):
//   s_axil_*      AXI4-Lite slave of physec_csr (32-bit data, ADDR_W-bit byte
//                 addresses; unmapped offsets answer SLVERR).  Register map, key and salt
//                 word order (KEYi = key bytes 4i..4i+3 big-endian), install, activation
//                 and rekey sequences: docs/registers.md.
//   irq           level interrupt of physec_csr (IRQ_STATUS & IRQ_ENABLE, docs/registers.md).
//   tx_client_valid, tx_client_blocks[4*66-1:0]  physec_tx client_valid / client_blocks:
//                 four 66b blocks per valid clock, block j in [66j +: 66], j = 0 first in
//                 time, each the IEEE vector tx_coded<65:0> (sync header in bits 1:0).
//   tx_line_valid, tx_line_sof, tx_line_word[255:0]  physec_tx line_*: one line word per
//                 clock from clock 6 after reset on, line_word[255] first transmitted
//                 (frame bits [256k, 256k + 255] in word k); line_sof on word 0 (the AM).
//   rx_line_valid, rx_line_word[255:0]  physec_rx line_*: the received line at any bit
//                 offset, bit 255 first; clocks without rx_line_valid do not exist for the
//                 receiver.
//   rx_client_valid, rx_client_blocks[4*66-1:0], rx_client_err  physec_rx client_*: the
//                 same block order as tx_client_blocks; rx_client_err = the group was
//                 undecodable.
//   tx_fr_*       physec_tx fr_*: one clock per frame sent, 2 clocks after its
//                 tx_line_sof (PAD fields sent, Cm, MFAS).
//   rx_fr_*, rx_vd_*  physec_rx fr_* (one clock per processed frame: AM/OH/JC status,
//                 Cm, MFAS, STAT, AN, PN, mode, reasons on arrival, released, delivered)
//                 and vd_* (the final verdict of an accepted frame, with the next PAD).
// Everything else of the chain tops (configuration, keys, status, counters) is reached
// through the registers only.
//
// physec_rx.finish is tied low: finish is the end of a simulated stream (SecRx.finish:
// the last frame's tag will never come), and a continuous link has no end; the last
// frame received before the line stops keeps its verdict pending, which no counter
// shows until the next PAD arrives (tag lost then, if it is broken).
//
// Latency: tx_client -> tx_line as physec_tx (a frame t starts on the line in clock
// 6 + 2570 t after reset); rx_line -> rx_client 12 clocks (physec_rx).  A register
// write reaches the chain tops at the clock edge where its BVALID rises (a command's
// pulse is high in the clock after that edge), with no extra register stage.
//
// Geometry: the 100g profile (physec_tx / physec_rx); ADDR_W as physec_csr.

`default_nettype none

// The integrated core is the top of its own hierarchy; a lint run over all of rtl/ has
// other tops beside it.
/* verilator lint_off MULTITOP */
module physec_core #(
  parameter int ADDR_W   = 12,     // AXI4-Lite byte address bits (physec_csr)
  parameter int KS_DEPTH = 32,     // keystream FIFO entries of both security stages
  parameter int RPR      = 1,      // AES registers per round
  parameter int NCAND    = 4       // AM search candidates (physec_aligner)
) (
  input  wire logic              clk,
  input  wire logic              rst,
  // AXI4-Lite slave
  input  wire logic [ADDR_W-1:0] s_axil_awaddr,
  input  wire logic [2:0]        s_axil_awprot,
  input  wire logic              s_axil_awvalid,
  output logic                   s_axil_awready,
  input  wire logic [31:0]       s_axil_wdata,
  input  wire logic [3:0]        s_axil_wstrb,
  input  wire logic              s_axil_wvalid,
  output logic                   s_axil_wready,
  output logic [1:0]             s_axil_bresp,
  output logic                   s_axil_bvalid,
  input  wire logic              s_axil_bready,
  input  wire logic [ADDR_W-1:0] s_axil_araddr,
  input  wire logic [2:0]        s_axil_arprot,
  input  wire logic              s_axil_arvalid,
  output logic                   s_axil_arready,
  output logic [31:0]            s_axil_rdata,
  output logic [1:0]             s_axil_rresp,
  output logic                   s_axil_rvalid,
  input  wire logic              s_axil_rready,
  // interrupt (level) of physec_csr: OR of IRQ_STATUS & IRQ_ENABLE
  output logic                   irq,
  // transmit: client in, line out
  input  wire logic              tx_client_valid,
  input  wire logic [4*66-1:0]   tx_client_blocks,
  output logic                   tx_line_valid,
  output logic                   tx_line_sof,
  output logic [255:0]           tx_line_word,
  output logic                   tx_fr_valid,
  output logic                   tx_fr_protected,
  output logic [1:0]             tx_fr_mode,
  output logic [1:0]             tx_fr_an,
  output logic [63:0]            tx_fr_pn,
  output logic                   tx_fr_tag_valid,
  output logic                   tx_fr_kcp,
  output logic [1:0]             tx_fr_next_an,
  output logic [13:0]            tx_fr_cm,
  output logic [7:0]             tx_fr_mfas,
  // receive: line in, client out
  input  wire logic              rx_line_valid,
  input  wire logic [255:0]      rx_line_word,
  output logic                   rx_client_valid,
  output logic [4*66-1:0]        rx_client_blocks,
  output logic                   rx_client_err,
  output logic                   rx_fr_valid,
  output logic                   rx_fr_am_good,
  output logic                   rx_fr_oh_crc_ok,
  output logic                   rx_fr_jc_crc_ok,
  output logic [3:0]             rx_fr_jc_kind,
  output logic                   rx_fr_usable,
  output logic [13:0]            rx_fr_cm,
  output logic [7:0]             rx_fr_mfas,
  output logic [7:0]             rx_fr_stat,
  output logic [1:0]             rx_fr_an,
  output logic [63:0]            rx_fr_pn,
  output logic [1:0]             rx_fr_mode,
  output logic                   rx_fr_pad_invalid,
  output logic                   rx_fr_bypass,
  output logic                   rx_fr_bypass_refused,
  output logic                   rx_fr_unknown_an,
  output logic                   rx_fr_replay,
  output logic                   rx_fr_pn_unpredicted,
  output logic                   rx_fr_key_changed,
  output logic                   rx_fr_pending,
  output logic                   rx_fr_release,
  output logic                   rx_fr_delivered,
  output logic                   rx_vd_valid,
  output logic                   rx_vd_pass,
  output logic                   rx_vd_tag_lost,
  output logic                   rx_vd_tag_mismatch,
  output logic                   rx_vd_key_changed,
  output logic [1:0]             rx_vd_an,
  output logic [63:0]            rx_vd_pn
);
/* verilator lint_on MULTITOP */

  // ---- Register block <-> chain tops: one wire per port, named as the CSR port.
  logic [1:0]   tx_cfg_mode, tx_key_an, tx_rekey_an, tx_st_an, rx_key_an, tx_erase_an, rx_erase_an;
  logic         tx_erase, rx_erase, rx_cfg_cut_through, rx_err_buf;
  logic [31:0]  tx_cfg_link_id, rx_cfg_link_id;
  logic         tx_key_we, tx_key_len, tx_rekey_req, rx_require_security, rx_key_we, rx_key_len;
  logic [255:0] tx_key, rx_key;
  logic [95:0]  tx_salt, rx_salt;
  logic         tx_st_active, tx_st_rekey_pending, tx_alarm_pn, tx_err_key_refused;
  logic         tx_err_rekey_refused, tx_err_ks, tx_err_tag_late, rx_locked, rx_err_ks;
  logic [31:0]  tx_cnt_frames, tx_cnt_underflow, tx_cnt_overflow;
  logic [31:0]  rx_cnt_frames, rx_cnt_am_bad, rx_cnt_oh_crc_errors, rx_cnt_jc_crc_errors;
  logic [31:0]  rx_cnt_jc_pattern_errors, rx_cnt_unusable_frames, rx_cnt_lock_losses, rx_cnt_locks;
  logic [31:0]  rx_cnt_lost_frames, rx_cnt_error_blocks, rx_cnt_sec_dropped;
  logic [31:0]  rx_cnt_sec_frames, rx_cnt_sec_passed, rx_cnt_sec_failed, rx_cnt_sec_bypass;
  logic [31:0]  rx_cnt_sec_tag_failures, rx_cnt_sec_tags_lost, rx_cnt_sec_replays;
  logic [31:0]  rx_cnt_sec_unknown_an, rx_cnt_sec_pad_errors, rx_cnt_sec_pn_unpredicted;
  logic [31:0]  rx_cnt_sec_key_switches, rx_cnt_sec_key_changed;
  // A frame failed "key changed", on arrival or at its verdict (EVENTS.RX_KEY_CHANGED).
  wire logic    rx_ev_key_changed = (rx_fr_valid && rx_fr_key_changed) || (rx_vd_valid && rx_vd_key_changed);

  physec_csr #(.ADDR_W(ADDR_W)) u_csr (
    .clk                      (clk),
    .rst                      (rst),
    .s_axil_awaddr            (s_axil_awaddr),
    .s_axil_awprot            (s_axil_awprot),
    .s_axil_awvalid           (s_axil_awvalid),
    .s_axil_awready           (s_axil_awready),
    .s_axil_wdata             (s_axil_wdata),
    .s_axil_wstrb             (s_axil_wstrb),
    .s_axil_wvalid            (s_axil_wvalid),
    .s_axil_wready            (s_axil_wready),
    .s_axil_bresp             (s_axil_bresp),
    .s_axil_bvalid            (s_axil_bvalid),
    .s_axil_bready            (s_axil_bready),
    .s_axil_araddr            (s_axil_araddr),
    .s_axil_arprot            (s_axil_arprot),
    .s_axil_arvalid           (s_axil_arvalid),
    .s_axil_arready           (s_axil_arready),
    .s_axil_rdata             (s_axil_rdata),
    .s_axil_rresp             (s_axil_rresp),
    .s_axil_rvalid            (s_axil_rvalid),
    .s_axil_rready            (s_axil_rready),
    .irq                      (irq),
    .tx_cfg_mode              (tx_cfg_mode),
    .tx_cfg_link_id           (tx_cfg_link_id),
    .tx_key_we                (tx_key_we),
    .tx_key_an                (tx_key_an),
    .tx_key                   (tx_key),
    .tx_key_len               (tx_key_len),
    .tx_salt                  (tx_salt),
    .tx_rekey_req             (tx_rekey_req),
    .tx_rekey_an              (tx_rekey_an),
    .tx_erase                 (tx_erase),
    .tx_erase_an              (tx_erase_an),
    .rx_cfg_link_id           (rx_cfg_link_id),
    .rx_require_security      (rx_require_security),
    .rx_cfg_cut_through       (rx_cfg_cut_through),
    .rx_key_we                (rx_key_we),
    .rx_key_an                (rx_key_an),
    .rx_key                   (rx_key),
    .rx_key_len               (rx_key_len),
    .rx_salt                  (rx_salt),
    .rx_erase                 (rx_erase),
    .rx_erase_an              (rx_erase_an),
    .tx_st_active             (tx_st_active),
    .tx_st_an                 (tx_st_an),
    .tx_st_rekey_pending      (tx_st_rekey_pending),
    .tx_alarm_pn              (tx_alarm_pn),
    .tx_err_key_refused       (tx_err_key_refused),
    .tx_err_rekey_refused     (tx_err_rekey_refused),
    .tx_err_ks                (tx_err_ks),
    .tx_err_tag_late          (tx_err_tag_late),
    .tx_cnt_frames            (tx_cnt_frames),
    .tx_cnt_underflow         (tx_cnt_underflow),
    .tx_cnt_overflow          (tx_cnt_overflow),
    .rx_locked                (rx_locked),
    .rx_err_ks                (rx_err_ks),
    .rx_err_buf               (rx_err_buf),
    .rx_ev_key_changed        (rx_ev_key_changed),
    .rx_cnt_frames            (rx_cnt_frames),
    .rx_cnt_am_bad            (rx_cnt_am_bad),
    .rx_cnt_oh_crc_errors     (rx_cnt_oh_crc_errors),
    .rx_cnt_jc_crc_errors     (rx_cnt_jc_crc_errors),
    .rx_cnt_jc_pattern_errors (rx_cnt_jc_pattern_errors),
    .rx_cnt_unusable_frames   (rx_cnt_unusable_frames),
    .rx_cnt_lock_losses       (rx_cnt_lock_losses),
    .rx_cnt_locks             (rx_cnt_locks),
    .rx_cnt_lost_frames       (rx_cnt_lost_frames),
    .rx_cnt_error_blocks      (rx_cnt_error_blocks),
    .rx_cnt_sec_dropped       (rx_cnt_sec_dropped),
    .rx_cnt_sec_frames        (rx_cnt_sec_frames),
    .rx_cnt_sec_passed        (rx_cnt_sec_passed),
    .rx_cnt_sec_failed        (rx_cnt_sec_failed),
    .rx_cnt_sec_bypass        (rx_cnt_sec_bypass),
    .rx_cnt_sec_tag_failures  (rx_cnt_sec_tag_failures),
    .rx_cnt_sec_tags_lost     (rx_cnt_sec_tags_lost),
    .rx_cnt_sec_replays       (rx_cnt_sec_replays),
    .rx_cnt_sec_unknown_an    (rx_cnt_sec_unknown_an),
    .rx_cnt_sec_pad_errors    (rx_cnt_sec_pad_errors),
    .rx_cnt_sec_pn_unpredicted(rx_cnt_sec_pn_unpredicted),
    .rx_cnt_sec_key_switches  (rx_cnt_sec_key_switches),
    .rx_cnt_sec_key_changed   (rx_cnt_sec_key_changed)
  );

  // ---- Transmit chain.
  physec_tx #(
    .KS_DEPTH(KS_DEPTH),
    .RPR     (RPR)
  ) u_tx (
    .clk              (clk),
    .rst              (rst),
    .start            (1'b1),             // frame 0 leaves blank (physec_tx header)
    .client_valid     (tx_client_valid),
    .client_blocks    (tx_client_blocks),
    .line_valid       (tx_line_valid),
    .line_sof         (tx_line_sof),
    .line_word        (tx_line_word),
    .cfg_mode         (tx_cfg_mode),
    .cfg_link_id      (tx_cfg_link_id),
    .key_we           (tx_key_we),
    .key_an           (tx_key_an),
    .key              (tx_key),
    .key_len          (tx_key_len),
    .salt             (tx_salt),
    .erase            (tx_erase),
    .erase_an         (tx_erase_an),
    .rekey_req        (tx_rekey_req),
    .rekey_an         (tx_rekey_an),
    .fr_valid         (tx_fr_valid),
    .fr_protected     (tx_fr_protected),
    .fr_mode          (tx_fr_mode),
    .fr_an            (tx_fr_an),
    .fr_pn            (tx_fr_pn),
    .fr_tag_valid     (tx_fr_tag_valid),
    .fr_kcp           (tx_fr_kcp),
    .fr_next_an       (tx_fr_next_an),
    .fr_cm            (tx_fr_cm),
    .fr_mfas          (tx_fr_mfas),
    .st_active        (tx_st_active),
    .st_an            (tx_st_an),
    .st_rekey_pending (tx_st_rekey_pending),
    .alarm_pn         (tx_alarm_pn),
    .err_key_refused  (tx_err_key_refused),
    .err_rekey_refused(tx_err_rekey_refused),
    .err_ks           (tx_err_ks),
    .err_tag_late     (tx_err_tag_late),
    .cnt_frames       (tx_cnt_frames),
    .cnt_underflow    (tx_cnt_underflow),
    .cnt_overflow     (tx_cnt_overflow)
  );

  // ---- Receive chain.
  physec_rx #(
    .KS_DEPTH(KS_DEPTH),
    .RPR     (RPR),
    .NCAND   (NCAND)
  ) u_rx (
    .clk                   (clk),
    .rst                   (rst),
    .line_valid            (rx_line_valid),
    .line_word             (rx_line_word),
    .client_valid          (rx_client_valid),
    .client_blocks         (rx_client_blocks),
    .client_err            (rx_client_err),
    .cfg_cut_through       (rx_cfg_cut_through),
    .cfg_link_id           (rx_cfg_link_id),
    .require_security      (rx_require_security),
    .key_we                (rx_key_we),
    .key_an                (rx_key_an),
    .key                   (rx_key),
    .key_len               (rx_key_len),
    .salt                  (rx_salt),
    .erase                 (rx_erase),
    .erase_an              (rx_erase_an),
    .finish                (1'b0),              // a continuous link has no end (header)
    .fr_valid              (rx_fr_valid),
    .fr_am_good            (rx_fr_am_good),
    .fr_oh_crc_ok          (rx_fr_oh_crc_ok),
    .fr_jc_crc_ok          (rx_fr_jc_crc_ok),
    .fr_jc_kind            (rx_fr_jc_kind),
    .fr_usable             (rx_fr_usable),
    .fr_cm                 (rx_fr_cm),
    .fr_mfas               (rx_fr_mfas),
    .fr_stat               (rx_fr_stat),
    .fr_an                 (rx_fr_an),
    .fr_pn                 (rx_fr_pn),
    .fr_mode               (rx_fr_mode),
    .fr_pad_invalid        (rx_fr_pad_invalid),
    .fr_bypass             (rx_fr_bypass),
    .fr_bypass_refused     (rx_fr_bypass_refused),
    .fr_unknown_an         (rx_fr_unknown_an),
    .fr_replay             (rx_fr_replay),
    .fr_pn_unpredicted     (rx_fr_pn_unpredicted),
    .fr_key_changed        (rx_fr_key_changed),
    .fr_pending            (rx_fr_pending),
    .fr_release            (rx_fr_release),
    .fr_delivered          (rx_fr_delivered),
    .vd_valid              (rx_vd_valid),
    .vd_pass               (rx_vd_pass),
    .vd_tag_lost           (rx_vd_tag_lost),
    .vd_tag_mismatch       (rx_vd_tag_mismatch),
    .vd_key_changed        (rx_vd_key_changed),
    .vd_an                 (rx_vd_an),
    .vd_pn                 (rx_vd_pn),
    .locked                (rx_locked),
    .cnt_frames            (rx_cnt_frames),
    .cnt_am_bad            (rx_cnt_am_bad),
    .cnt_oh_crc_errors     (rx_cnt_oh_crc_errors),
    .cnt_jc_crc_errors     (rx_cnt_jc_crc_errors),
    .cnt_jc_pattern_errors (rx_cnt_jc_pattern_errors),
    .cnt_unusable_frames   (rx_cnt_unusable_frames),
    .cnt_lock_losses       (rx_cnt_lock_losses),
    .cnt_locks             (rx_cnt_locks),
    .cnt_lost_frames       (rx_cnt_lost_frames),
    .cnt_error_blocks      (rx_cnt_error_blocks),
    .cnt_sec_dropped       (rx_cnt_sec_dropped),
    .cnt_sec_frames        (rx_cnt_sec_frames),
    .cnt_sec_passed        (rx_cnt_sec_passed),
    .cnt_sec_failed        (rx_cnt_sec_failed),
    .cnt_sec_bypass        (rx_cnt_sec_bypass),
    .cnt_sec_tag_failures  (rx_cnt_sec_tag_failures),
    .cnt_sec_tags_lost     (rx_cnt_sec_tags_lost),
    .cnt_sec_replays       (rx_cnt_sec_replays),
    .cnt_sec_unknown_an    (rx_cnt_sec_unknown_an),
    .cnt_sec_pad_errors    (rx_cnt_sec_pad_errors),
    .cnt_sec_pn_unpredicted(rx_cnt_sec_pn_unpredicted),
    .cnt_sec_key_switches  (rx_cnt_sec_key_switches),
    .cnt_sec_key_changed   (rx_cnt_sec_key_changed),
    .err_ks                (rx_err_ks),
    .err_buf               (rx_err_buf)
  );

endmodule

`default_nettype wire
