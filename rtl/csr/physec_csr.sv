// SPDX-License-Identifier: Apache-2.0
//
// physec_csr: the configuration and status registers of PHYSec behind an AXI4-Lite
// slave (spec 11).  The register map (offsets, fields, reset values) is
// physec_csr_pkg, generated from model/physec/regmap.py; docs/registers.md documents
// it.  The outputs connect by name to the chain tops physec_tx / physec_rx (prefix tx_
// / rx_ added), the status and counter inputs to their outputs.
//
// Ports (clk, rst: the datapath's clock; rst synchronous, active high):
//   s_axil_*      AXI4-Lite slave, 32-bit data, ADDR_W-bit byte addresses (bits 1:0
//                 ignored, WSTRB selects bytes).  One write and one read in flight each;
//                 AWREADY / WREADY / ARREADY come from state only (no path from inputs).
//                 A write takes effect at the edge where BVALID rises; a read samples
//                 its register at its AR handshake edge.  BRESP / RRESP: OKAY (0) for a
//                 mapped offset (writes to RO registers ignored, WO / W1P registers
//                 read 0), SLVERR (2) for an unmapped one (read data 0).  AWPROT / ARPROT
//                 ignored.
//   tx_cfg_mode[1:0], rx_require_security, rx_cfg_cut_through   CTRL fields (RW;
//                 RX_POLICY resets to 0 = store-and-forward).
//   tx_cfg_link_id[31:0], rx_cfg_link_id[31:0]   TX_LINK_ID, RX_LINK_ID (RW).
//   tx_key_we, rx_key_we   one-clock pulse in the clock after a KEY_CMD write with TX /
//                 RX = 1; tx_key_an / rx_key_an = its AN (held until the next command).
//   tx_key[255:0], rx_key[255:0]   the staged key: KEY0 in [255:224] ... KEY7 in
//                 [31:0].  KEYi holds key bytes 4i..4i+3 big-endian (byte 4i in its bits
//                 31:24), so key byte k is in key[255-8k -: 8]: the order of
//                 physec_sec_keys / physec_aes_keyexp (spec 6.1 byte strings; an AES-128
//                 key in KEY0..KEY3 = key[255:128]).
//   tx_key_len, rx_key_len   KEY_LEN.AES256 (1 = AES-256, physec_aes_pkg::KEY_LEN_256).
//   tx_salt[95:0], rx_salt[95:0]   SALT0 in [95:64] ... SALT2 in [31:0]: salt byte k in
//                 salt[95-8k -: 8] (IV = salt xor (link ID || PN), byte 0 in bit 95).
//                 The key, length and salt staging registers are write-only (no read
//                 path) and are cleared (KEY_LEN to AES-256) in the clock after an
//                 install pulse; the tx_ and rx_ copies are the same registers.
//   tx_rekey_req, tx_rekey_an[1:0]   one-clock pulse in the clock after a REKEY_CMD
//                 write with REQ = 1, with its AN (held).
//   tx_erase, rx_erase, tx_erase_an / rx_erase_an   one-clock pulse in the clock after a
//                 KEY_ERASE write with TX / RX = 1, with its AN (held).
//   tx_st_active, tx_st_an[1:0], tx_st_rekey_pending, tx_alarm_pn, tx_err_ks,
//   tx_err_tag_late, rx_locked, rx_err_ks, rx_err_buf   shown live in STATUS.
//   tx_err_key_refused, tx_err_rekey_refused, rx_ev_key_changed   one-clock pulses,
//                 latched in EVENTS (W1C;
//                 a pulse in the clock of a read or of a clearing write is seen / wins).
//   tx_cnt_*, rx_cnt_*   32-bit counters, one RO register each, read live: physec_tx's
//                 cnt_frames, cnt_underflow, cnt_overflow and physec_rx's cnt_* (frame
//                 stage, RxCounters, with cnt_sec_dropped) and cnt_sec_* (SecCounters).
//
// Geometry: ADDR_W >= physec_csr_pkg::MAP_ADDR_W (the map's span) and <= 64, else
// elaboration stops.  Timing: the read mux (about 40 words) and the write decode are
// one clock each; nothing here is near the datapath's critical paths.

`default_nettype none

// The CSR block is a top of its own until the lead's chip top instantiates it.
/* verilator lint_off MULTITOP */
module physec_csr #(
  parameter int ADDR_W = 12
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
  // to physec_tx
  output logic [1:0]             tx_cfg_mode,
  output logic [31:0]            tx_cfg_link_id,
  output logic                   tx_key_we,
  output logic [1:0]             tx_key_an,
  output logic [255:0]           tx_key,
  output logic                   tx_key_len,
  output logic [95:0]            tx_salt,
  output logic                   tx_rekey_req,
  output logic [1:0]             tx_rekey_an,
  output logic                   tx_erase,
  output logic [1:0]             tx_erase_an,
  // to physec_rx
  output logic [31:0]            rx_cfg_link_id,
  output logic                   rx_require_security,
  output logic                   rx_cfg_cut_through,
  output logic                   rx_key_we,
  output logic [1:0]             rx_key_an,
  output logic [255:0]           rx_key,
  output logic                   rx_key_len,
  output logic [95:0]            rx_salt,
  output logic                   rx_erase,
  output logic [1:0]             rx_erase_an,
  // from physec_tx
  input  wire logic              tx_st_active,
  input  wire logic [1:0]        tx_st_an,
  input  wire logic              tx_st_rekey_pending,
  input  wire logic              tx_alarm_pn,
  input  wire logic              tx_err_key_refused,
  input  wire logic              tx_err_rekey_refused,
  input  wire logic              tx_err_ks,
  input  wire logic              tx_err_tag_late,
  input  wire logic [31:0]       tx_cnt_frames,
  input  wire logic [31:0]       tx_cnt_underflow,
  input  wire logic [31:0]       tx_cnt_overflow,
  // from physec_rx
  input  wire logic              rx_locked,
  input  wire logic              rx_err_ks,
  input  wire logic              rx_err_buf,
  input  wire logic              rx_ev_key_changed,
  input  wire logic [31:0]       rx_cnt_frames,
  input  wire logic [31:0]       rx_cnt_am_bad,
  input  wire logic [31:0]       rx_cnt_oh_crc_errors,
  input  wire logic [31:0]       rx_cnt_jc_crc_errors,
  input  wire logic [31:0]       rx_cnt_jc_pattern_errors,
  input  wire logic [31:0]       rx_cnt_unusable_frames,
  input  wire logic [31:0]       rx_cnt_lock_losses,
  input  wire logic [31:0]       rx_cnt_locks,
  input  wire logic [31:0]       rx_cnt_lost_frames,
  input  wire logic [31:0]       rx_cnt_error_blocks,
  input  wire logic [31:0]       rx_cnt_sec_dropped,
  input  wire logic [31:0]       rx_cnt_sec_frames,
  input  wire logic [31:0]       rx_cnt_sec_passed,
  input  wire logic [31:0]       rx_cnt_sec_failed,
  input  wire logic [31:0]       rx_cnt_sec_bypass,
  input  wire logic [31:0]       rx_cnt_sec_tag_failures,
  input  wire logic [31:0]       rx_cnt_sec_tags_lost,
  input  wire logic [31:0]       rx_cnt_sec_replays,
  input  wire logic [31:0]       rx_cnt_sec_unknown_an,
  input  wire logic [31:0]       rx_cnt_sec_pad_errors,
  input  wire logic [31:0]       rx_cnt_sec_pn_unpredicted,
  input  wire logic [31:0]       rx_cnt_sec_key_switches,
  input  wire logic [31:0]       rx_cnt_sec_key_changed
);
/* verilator lint_on MULTITOP */

  import physec_csr_pkg::*;

  if (ADDR_W < MAP_ADDR_W || ADDR_W > 64) begin : g_bad_params
`ifdef __ICARUS__
    initial $fatal(1, "physec_csr: ADDR_W must be %0d..64 (the register map spans %0d address bits)",
                   MAP_ADDR_W, MAP_ADDR_W);
`else
    $fatal(1, "physec_csr: ADDR_W must be %0d..64 (the register map spans %0d address bits)",
           MAP_ADDR_W, MAP_ADDR_W);
`endif
  end

  typedef logic [ADDR_W-1:0] addr_t;

  function automatic logic at(input addr_t a, input int offset);
    return 64'(a) == 64'(offset);
  endfunction

  // A register lives at this (word-aligned) address.
  function automatic logic mapped(input addr_t a);
    return (a >> MAP_ADDR_W) == '0 && MAP_WORDS[a[MAP_ADDR_W-1:2]];
  endfunction

  // ====================================================================== write channel
  // AW and W are taken independently into one holding register each; the write is
  // done when both are held and no B response is waiting.
  logic        aw_held, w_held;
  addr_t       aw_addr;
  logic [31:0] w_data, w_bits;    // w_bits: the bits whose byte strobe was 1

  assign s_axil_awready = !aw_held && !rst;
  assign s_axil_wready  = !w_held && !rst;
  wire logic do_write = aw_held && w_held && !s_axil_bvalid;

  always_ff @(posedge clk) begin
    if (rst) begin
      aw_held       <= 1'b0;
      w_held        <= 1'b0;
      aw_addr       <= '0;
      w_data        <= '0;
      w_bits        <= '0;
      s_axil_bvalid <= 1'b0;
      s_axil_bresp  <= RESP_OKAY;
    end else begin
      if (s_axil_awvalid && s_axil_awready) begin
        aw_held <= 1'b1;
        aw_addr <= {s_axil_awaddr[ADDR_W-1:2], 2'b00};
      end
      if (s_axil_wvalid && s_axil_wready) begin
        w_held <= 1'b1;
        w_data <= s_axil_wdata;
        w_bits <= {{8{s_axil_wstrb[3]}}, {8{s_axil_wstrb[2]}}, {8{s_axil_wstrb[1]}}, {8{s_axil_wstrb[0]}}};
      end
      if (do_write) begin
        aw_held       <= 1'b0;
        w_held        <= 1'b0;
        s_axil_bvalid <= 1'b1;
        s_axil_bresp  <= mapped(aw_addr) ? RESP_OKAY : RESP_SLVERR;
      end else if (s_axil_bready) begin
        s_axil_bvalid <= 1'b0;
      end
    end
  end

  wire logic [31:0] wv = w_data & w_bits;                    // written ones

  // The new value of a register with these existing bits after the pending write.
  function automatic logic [31:0] upd(input logic [31:0] old, input logic [31:0] mask);
    return (old & ~(w_bits & mask)) | (wv & mask);
  endfunction

  // ====================================================================== registers
  logic [31:0] scratch_q, ctrl_q, tx_link_q, rx_link_q, key_len_q, events_q;
  logic [31:0] key_q  [KEY_WORDS];
  logic [31:0] salt_q [SALT_WORDS];
  logic        tx_we_q, rx_we_q, rekey_q, tx_er_q, rx_er_q;
  logic [1:0]  key_an_q, rekey_an_q, erase_an_q;

  wire logic wr_key_cmd   = do_write && at(aw_addr, ADDR_KEY_CMD);
  wire logic wr_rekey_cmd = do_write && at(aw_addr, ADDR_REKEY_CMD);
  wire logic wr_erase_cmd = do_write && at(aw_addr, ADDR_KEY_ERASE);
  wire logic key_pulse    = wv[KEY_CMD_TX_LSB] || wv[KEY_CMD_RX_LSB];

  wire logic [31:0] ev_in = (32'(tx_err_key_refused)   << EVENTS_TX_KEY_REFUSED_LSB) |
                            (32'(tx_err_rekey_refused) << EVENTS_TX_REKEY_REFUSED_LSB) |
                            (32'(rx_ev_key_changed)    << EVENTS_RX_KEY_CHANGED_LSB);

  always_ff @(posedge clk) begin
    if (rst) begin
      scratch_q  <= SCRATCH_RESET;
      ctrl_q     <= CTRL_RESET;
      tx_link_q  <= TX_LINK_ID_RESET;
      rx_link_q  <= RX_LINK_ID_RESET;
      key_len_q  <= KEY_LEN_RESET;
      events_q   <= EVENTS_RESET;
      for (int i = 0; i < KEY_WORDS; i++) key_q[i] <= '0;
      for (int i = 0; i < SALT_WORDS; i++) salt_q[i] <= '0;
      tx_we_q    <= 1'b0;
      rx_we_q    <= 1'b0;
      rekey_q    <= 1'b0;
      tx_er_q    <= 1'b0;
      rx_er_q    <= 1'b0;
      key_an_q   <= '0;
      rekey_an_q <= '0;
      erase_an_q <= '0;
    end else begin
      if (do_write && at(aw_addr, ADDR_SCRATCH))    scratch_q <= upd(scratch_q, SCRATCH_MASK);
      if (do_write && at(aw_addr, ADDR_CTRL))       ctrl_q    <= upd(ctrl_q, CTRL_MASK);
      if (do_write && at(aw_addr, ADDR_TX_LINK_ID)) tx_link_q <= upd(tx_link_q, TX_LINK_ID_MASK);
      if (do_write && at(aw_addr, ADDR_RX_LINK_ID)) rx_link_q <= upd(rx_link_q, RX_LINK_ID_MASK);

      // Staging: cleared in the clock after an install pulse (no key material stays
      // here); a staging write in that clock belongs to the next key and still lands.
      if (tx_we_q || rx_we_q) begin
        key_len_q <= KEY_LEN_RESET;
        for (int i = 0; i < KEY_WORDS; i++) key_q[i] <= '0;
        for (int i = 0; i < SALT_WORDS; i++) salt_q[i] <= '0;
      end
      if (do_write && at(aw_addr, ADDR_KEY_LEN)) key_len_q <= upd(key_len_q, KEY_LEN_MASK);
      for (int i = 0; i < KEY_WORDS; i++)
        if (do_write && at(aw_addr, ADDR_KEY0 + 4 * i)) key_q[i] <= upd(key_q[i], KEY0_MASK);
      for (int i = 0; i < SALT_WORDS; i++)
        if (do_write && at(aw_addr, ADDR_SALT0 + 4 * i)) salt_q[i] <= upd(salt_q[i], SALT0_MASK);

      // Commands (W1P): one-clock pulses, the AN held for the stage to sample.
      tx_we_q <= wr_key_cmd && wv[KEY_CMD_TX_LSB];
      rx_we_q <= wr_key_cmd && wv[KEY_CMD_RX_LSB];
      if (wr_key_cmd && key_pulse) key_an_q <= wv[KEY_CMD_AN_LSB +: 2];
      rekey_q <= wr_rekey_cmd && wv[REKEY_CMD_REQ_LSB];
      if (wr_rekey_cmd && wv[REKEY_CMD_REQ_LSB]) rekey_an_q <= wv[REKEY_CMD_AN_LSB +: 2];
      tx_er_q <= wr_erase_cmd && wv[KEY_ERASE_TX_LSB];
      rx_er_q <= wr_erase_cmd && wv[KEY_ERASE_RX_LSB];
      if (wr_erase_cmd && (wv[KEY_ERASE_TX_LSB] || wv[KEY_ERASE_RX_LSB]))
        erase_an_q <= wv[KEY_ERASE_AN_LSB +: 2];

      // EVENTS (W1C): an event pulse wins over a clear in the same clock.
      events_q <= (events_q & ~(do_write && at(aw_addr, ADDR_EVENTS) ? wv & EVENTS_MASK : 32'd0)) | ev_in;
    end
  end

  // ====================================================================== outputs
  logic [255:0] key_all;
  logic [95:0]  salt_all;
  for (genvar i = 0; i < KEY_WORDS; i++) begin : g_key
    assign key_all[255 - 32 * i -: 32] = key_q[i];
  end
  for (genvar i = 0; i < SALT_WORDS; i++) begin : g_salt
    assign salt_all[95 - 32 * i -: 32] = salt_q[i];
  end

  assign tx_cfg_mode         = ctrl_q[CTRL_TX_MODE_LSB +: 2];
  assign rx_require_security = ctrl_q[CTRL_RX_REQUIRE_SECURITY_LSB];
  assign rx_cfg_cut_through  = ctrl_q[CTRL_RX_POLICY_LSB];
  assign tx_cfg_link_id      = tx_link_q;
  assign rx_cfg_link_id      = rx_link_q;
  assign tx_key_we           = tx_we_q;
  assign rx_key_we           = rx_we_q;
  assign tx_key_an           = key_an_q;
  assign rx_key_an           = key_an_q;
  assign tx_key              = key_all;
  assign rx_key              = key_all;
  assign tx_key_len          = key_len_q[KEY_LEN_AES256_LSB];
  assign rx_key_len          = key_len_q[KEY_LEN_AES256_LSB];
  assign tx_salt             = salt_all;
  assign rx_salt             = salt_all;
  assign tx_rekey_req        = rekey_q;
  assign tx_rekey_an         = rekey_an_q;
  assign tx_erase            = tx_er_q;
  assign rx_erase            = rx_er_q;
  assign tx_erase_an         = erase_an_q;
  assign rx_erase_an         = erase_an_q;

  // ====================================================================== read channel
  wire addr_t ar_addr = {s_axil_araddr[ADDR_W-1:2], 2'b00};

  wire logic [31:0] status = (32'(tx_st_active)        << STATUS_TX_ACTIVE_LSB) |
                             (32'(tx_st_an)            << STATUS_TX_AN_LSB) |
                             (32'(tx_st_rekey_pending) << STATUS_TX_REKEY_PENDING_LSB) |
                             (32'(tx_alarm_pn)         << STATUS_TX_ALARM_PN_LSB) |
                             (32'(tx_err_ks)           << STATUS_TX_ERR_KS_LSB) |
                             (32'(tx_err_tag_late)     << STATUS_TX_ERR_TAG_LATE_LSB) |
                             (32'(rx_locked)           << STATUS_RX_LOCKED_LSB) |
                             (32'(rx_err_ks)           << STATUS_RX_ERR_KS_LSB) |
                             (32'(rx_err_buf)          << STATUS_RX_ERR_BUF_LSB);

  // Write-only and command registers (KEYi, SALTi, KEY_LEN, KEY_CMD, REKEY_CMD, KEY_ERASE) have no
  // read path: they fall to the default (0; mapped, so OKAY).
  logic [31:0] rd;
  always_comb begin
    case (ar_addr)
      addr_t'(ADDR_ID):                   rd = ID_RESET;
      addr_t'(ADDR_VERSION):              rd = VERSION_RESET;
      addr_t'(ADDR_SCRATCH):              rd = scratch_q;
      addr_t'(ADDR_CTRL):                 rd = ctrl_q;
      addr_t'(ADDR_TX_LINK_ID):           rd = tx_link_q;
      addr_t'(ADDR_RX_LINK_ID):           rd = rx_link_q;
      addr_t'(ADDR_STATUS):               rd = status;
      addr_t'(ADDR_EVENTS):               rd = events_q | ev_in;
      addr_t'(ADDR_TX_CNT_FRAMES):        rd = tx_cnt_frames;
      addr_t'(ADDR_TX_CNT_UNDERFLOW):     rd = tx_cnt_underflow;
      addr_t'(ADDR_TX_CNT_OVERFLOW):      rd = tx_cnt_overflow;
      addr_t'(ADDR_RX_CNT_FRAMES):        rd = rx_cnt_frames;
      addr_t'(ADDR_RX_CNT_AM_BAD):        rd = rx_cnt_am_bad;
      addr_t'(ADDR_RX_CNT_OH_CRC_ERRORS): rd = rx_cnt_oh_crc_errors;
      addr_t'(ADDR_RX_CNT_JC_CRC_ERRORS): rd = rx_cnt_jc_crc_errors;
      addr_t'(ADDR_RX_CNT_JC_PATTERN_ERRORS): rd = rx_cnt_jc_pattern_errors;
      addr_t'(ADDR_RX_CNT_UNUSABLE_FRAMES):   rd = rx_cnt_unusable_frames;
      addr_t'(ADDR_RX_CNT_LOCK_LOSSES):   rd = rx_cnt_lock_losses;
      addr_t'(ADDR_RX_CNT_LOCKS):         rd = rx_cnt_locks;
      addr_t'(ADDR_RX_CNT_LOST_FRAMES):   rd = rx_cnt_lost_frames;
      addr_t'(ADDR_RX_CNT_ERROR_BLOCKS):  rd = rx_cnt_error_blocks;
      addr_t'(ADDR_RX_CNT_SEC_DROPPED):   rd = rx_cnt_sec_dropped;
      addr_t'(ADDR_RX_CNT_SEC_FRAMES):    rd = rx_cnt_sec_frames;
      addr_t'(ADDR_RX_CNT_SEC_PASSED):    rd = rx_cnt_sec_passed;
      addr_t'(ADDR_RX_CNT_SEC_FAILED):    rd = rx_cnt_sec_failed;
      addr_t'(ADDR_RX_CNT_SEC_BYPASS):    rd = rx_cnt_sec_bypass;
      addr_t'(ADDR_RX_CNT_SEC_TAG_FAILURES):   rd = rx_cnt_sec_tag_failures;
      addr_t'(ADDR_RX_CNT_SEC_TAGS_LOST):      rd = rx_cnt_sec_tags_lost;
      addr_t'(ADDR_RX_CNT_SEC_REPLAYS):        rd = rx_cnt_sec_replays;
      addr_t'(ADDR_RX_CNT_SEC_UNKNOWN_AN):     rd = rx_cnt_sec_unknown_an;
      addr_t'(ADDR_RX_CNT_SEC_PAD_ERRORS):     rd = rx_cnt_sec_pad_errors;
      addr_t'(ADDR_RX_CNT_SEC_PN_UNPREDICTED): rd = rx_cnt_sec_pn_unpredicted;
      addr_t'(ADDR_RX_CNT_SEC_KEY_SWITCHES):   rd = rx_cnt_sec_key_switches;
      addr_t'(ADDR_RX_CNT_SEC_KEY_CHANGED):    rd = rx_cnt_sec_key_changed;
      default:                            rd = '0;
    endcase
  end

  assign s_axil_arready = !s_axil_rvalid && !rst;

  always_ff @(posedge clk) begin
    if (rst) begin
      s_axil_rvalid <= 1'b0;
      s_axil_rdata  <= '0;
      s_axil_rresp  <= RESP_OKAY;
    end else if (s_axil_arvalid && s_axil_arready) begin
      s_axil_rvalid <= 1'b1;
      s_axil_rdata  <= rd;
      s_axil_rresp  <= mapped(ar_addr) ? RESP_OKAY : RESP_SLVERR;
    end else if (s_axil_rready) begin
      s_axil_rvalid <= 1'b0;
    end
  end

  // The address bits below a word, and the protection bits, select nothing.
  wire logic unused = ^{s_axil_awaddr[1:0], s_axil_araddr[1:0], s_axil_awprot, s_axil_arprot};

endmodule

`default_nettype wire
