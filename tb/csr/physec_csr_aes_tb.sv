// SPDX-License-Identifier: Apache-2.0
//
// physec_csr_aes_tb: physec_csr whose TX key install port drives the AES key expansion
// (physec_aes_keyexp) and one AES pipe (physec_aes_pipe), the consumers of the key
// order in physec_sec_tx / physec_sec_rx.  A key staged word by word through AXI and
// installed with KEY_CMD must then encrypt a block as AES(key bytes) of the model /
// the cryptography library does: a check of the staging word order that does not go
// through the CSR's own description of it.  Status and counter inputs are tied to 0.
//   blk_valid, blk_in[127:0]   a block into the pipe (byte 0 in [127:120]), taken only
//                 while key_ready; blk_out_valid, blk_out[127:0] its ciphertext.

`default_nettype none

module physec_csr_aes_tb (
  input  wire logic         clk,
  input  wire logic         rst,
  input  wire logic [11:0]  s_axil_awaddr,
  input  wire logic [2:0]   s_axil_awprot,
  input  wire logic         s_axil_awvalid,
  output logic              s_axil_awready,
  input  wire logic [31:0]  s_axil_wdata,
  input  wire logic [3:0]   s_axil_wstrb,
  input  wire logic         s_axil_wvalid,
  output logic              s_axil_wready,
  output logic [1:0]        s_axil_bresp,
  output logic              s_axil_bvalid,
  input  wire logic         s_axil_bready,
  input  wire logic [11:0]  s_axil_araddr,
  input  wire logic [2:0]   s_axil_arprot,
  input  wire logic         s_axil_arvalid,
  output logic              s_axil_arready,
  output logic [31:0]       s_axil_rdata,
  output logic [1:0]        s_axil_rresp,
  output logic              s_axil_rvalid,
  input  wire logic         s_axil_rready,
  input  wire logic         blk_valid,
  input  wire logic [127:0] blk_in,
  output logic              key_ready,
  output logic              blk_out_valid,
  output logic [127:0]      blk_out
);

  logic         key_we, key_len, busy, rk_len, in_drop;
  logic [255:0] key;
  logic [physec_aes_pkg::NSLOT*128-1:0] round_keys;
  logic [0:0]   out_tag;

  physec_csr #(.ADDR_W(12)) u_csr (
    .clk                     (clk),
    .rst                     (rst),
    .s_axil_awaddr           (s_axil_awaddr),
    .s_axil_awprot           (s_axil_awprot),
    .s_axil_awvalid          (s_axil_awvalid),
    .s_axil_awready          (s_axil_awready),
    .s_axil_wdata            (s_axil_wdata),
    .s_axil_wstrb            (s_axil_wstrb),
    .s_axil_wvalid           (s_axil_wvalid),
    .s_axil_wready           (s_axil_wready),
    .s_axil_bresp            (s_axil_bresp),
    .s_axil_bvalid           (s_axil_bvalid),
    .s_axil_bready           (s_axil_bready),
    .s_axil_araddr           (s_axil_araddr),
    .s_axil_arprot           (s_axil_arprot),
    .s_axil_arvalid          (s_axil_arvalid),
    .s_axil_arready          (s_axil_arready),
    .s_axil_rdata            (s_axil_rdata),
    .s_axil_rresp            (s_axil_rresp),
    .s_axil_rvalid           (s_axil_rvalid),
    .s_axil_rready           (s_axil_rready),
    .irq                     (),
    .tx_cfg_mode             (),
    .tx_cfg_link_id          (),
    .tx_key_we               (key_we),
    .tx_key_an               (),
    .tx_key                  (key),
    .tx_key_len              (key_len),
    .tx_salt                 (),
    .tx_rekey_req            (),
    .tx_rekey_an             (),
    .tx_erase                (),
    .tx_erase_an             (),
    .rx_cfg_link_id          (),
    .rx_require_security     (),
    .rx_cfg_cut_through      (),
    .rx_key_we               (),
    .rx_key_an               (),
    .rx_key                  (),
    .rx_key_len              (),
    .rx_salt                 (),
    .rx_erase                (),
    .rx_erase_an             (),
    .tx_st_active            (1'b0),
    .tx_st_rekey_pending     (1'b0),
    .tx_alarm_pn             (1'b0),
    .tx_err_key_refused      (1'b0),
    .tx_err_rekey_refused    (1'b0),
    .tx_err_ks               (1'b0),
    .tx_err_tag_late         (1'b0),
    .rx_locked               (1'b0),
    .rx_err_ks               (1'b0),
    .rx_err_buf              (1'b0),
    .rx_ev_key_changed       (1'b0),
    .tx_st_an                (2'b00),
    .tx_cnt_frames           ('0),
    .tx_cnt_underflow        ('0),
    .tx_cnt_overflow         ('0),
    .rx_cnt_frames           ('0),
    .rx_cnt_am_bad           ('0),
    .rx_cnt_oh_crc_errors    ('0),
    .rx_cnt_jc_crc_errors    ('0),
    .rx_cnt_jc_pattern_errors('0),
    .rx_cnt_unusable_frames  ('0),
    .rx_cnt_lock_losses      ('0),
    .rx_cnt_locks            ('0),
    .rx_cnt_lost_frames      ('0),
    .rx_cnt_error_blocks     ('0),
    .rx_cnt_sec_dropped      ('0),
    .rx_cnt_sec_frames       ('0),
    .rx_cnt_sec_passed       ('0),
    .rx_cnt_sec_failed       ('0),
    .rx_cnt_sec_bypass       ('0),
    .rx_cnt_sec_tag_failures ('0),
    .rx_cnt_sec_tags_lost    ('0),
    .rx_cnt_sec_replays      ('0),
    .rx_cnt_sec_unknown_an   ('0),
    .rx_cnt_sec_pad_errors   ('0),
    .rx_cnt_sec_pn_unpredicted('0),
    .rx_cnt_sec_key_switches ('0),
    .rx_cnt_sec_key_changed  ('0)
  );

  physec_aes_keyexp u_keyexp (
    .clk, .rst, .clr(1'b0), .key_valid(key_we), .key_len, .key, .busy, .ready(key_ready), .rk_len, .round_keys
  );

  physec_aes_pipe #(.TAG_W(1)) u_pipe (
    .clk, .rst, .clr(1'b0), .key_ready, .rk_len, .round_keys, .in_valid(blk_valid), .in_blk(blk_in), .in_tag(1'b0),
    .in_drop, .out_valid(blk_out_valid), .out_blk(blk_out), .out_tag
  );

endmodule

`default_nettype wire
