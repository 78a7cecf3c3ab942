// SPDX-License-Identifier: Apache-2.0
//
// physec_csr: the configuration and status registers of PHYSec behind an AXI4-Lite
// slave (spec 11).  The register map (offsets, fields, access, reset values) is the
// SystemRDL source physec_csr.rdl; its decode, storage and AXI4-Lite interface are
// physec_csr_regs, generated from it by peakrdl-regblock (`make regmap`).  This
// wrapper keeps the block's ports: it connects the generated hardware interface
// (hwif_in / hwif_out) to ports named after the chain tops physec_tx / physec_rx
// (prefix tx_ / rx_ added), holds the command ANs between pulses and clears the key
// staging after an install.  docs/registers.md documents the map.
//
// Ports (clk, rst: the datapath's clock; rst synchronous, active high):
//   s_axil_*      AXI4-Lite slave, 32-bit data, ADDR_W-bit byte addresses (bits 1:0
//                 ignored, WSTRB selects bytes).  Requests reach the registers one per
//                 clock (reads and writes alternate when both wait), at most two in
//                 flight; AWREADY / WREADY / ARREADY come from state only (no path from
//                 inputs).  Idle: a write takes effect at the edge after its later AW / W
//                 handshake, where BVALID rises; a read samples its register in the
//                 clock after its AR handshake.  BRESP / RRESP: OKAY (0) for a mapped
//                 offset (writes to RO registers ignored, WO / W1P registers read 0),
//                 SLVERR (2) for an unmapped one (read data 0).  AWPROT / ARPROT ignored.
//   tx_cfg_mode[1:0], rx_require_security, rx_cfg_cut_through   CTRL fields (RW;
//                 RX_POLICY resets to 0 = store-and-forward).
//   tx_cfg_link_id[31:0], rx_cfg_link_id[31:0]   TX_LINK_ID, RX_LINK_ID (RW).
//   tx_key_we, rx_key_we   one-clock pulse in the clock after a KEY_CMD write with TX /
//                 RX = 1; tx_key_an / rx_key_an = its AN (held until the next pulse).
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
//                 latched in EVENTS (W1C; a pulse in the clock of a clearing write wins).
//   tx_cnt_*, rx_cnt_*   32-bit counters, one RO register each, read live: physec_tx's
//                 cnt_frames, cnt_underflow, cnt_overflow and physec_rx's cnt_* (frame
//                 stage, RxCounters, with cnt_sec_dropped) and cnt_sec_* (SecCounters).
//   irq           level interrupt: OR of IRQ_STATUS & IRQ_ENABLE.  An IRQ_STATUS bit is
//                 set in the clock after its counter (the RDL's irq_counter) changes:
//                 tag failures, lock losses, replays, RX key switches, TX FIFO underflow
//                 and overflow; an event wins over a clearing write in the same clock.
//
// Geometry: ADDR_W >= the map's span (9 bits) and <= 64, else elaboration stops.  The
// generated block decodes 64-bit addresses, so an address with any bit set above the
// span is unmapped (SLVERR) whatever ADDR_W is.  Timing: the read mux (about 40
// words) and the write decode are one clock each; nothing here is near the datapath's
// critical paths.

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
  // interrupt (level): OR of IRQ_STATUS & IRQ_ENABLE
  output logic                   irq,
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

  import physec_csr_regs_pkg::*;

  // The address bits the map spans (PHYSEC_CSR_REGS_SIZE: its size in bytes).
  localparam int MAP_ADDR_W = $clog2(PHYSEC_CSR_REGS_SIZE);
  localparam int REGS_ADDR_W = PHYSEC_CSR_REGS_MIN_ADDR_WIDTH;     // the generated decode's width

  if (ADDR_W < MAP_ADDR_W || ADDR_W > REGS_ADDR_W) begin : g_bad_params
`ifdef __ICARUS__
    initial $fatal(1, "physec_csr: ADDR_W must be %0d..%0d (the register map spans %0d address bits)",
                   MAP_ADDR_W, REGS_ADDR_W, MAP_ADDR_W);
`else
    $fatal(1, "physec_csr: ADDR_W must be %0d..%0d (the register map spans %0d address bits)",
           MAP_ADDR_W, REGS_ADDR_W, MAP_ADDR_W);
`endif
  end
  if (PHYSEC_CSR_REGS_DATA_WIDTH != 32) begin : g_bad_map
    $fatal(1, "physec_csr: physec_csr.rdl must describe 32-bit registers");
  end

  physec_csr__in_t  hwif_in;
  physec_csr__out_t hwif_out;

  physec_csr_regs u_regs (
    .clk            (clk),
    .rst            (rst),
    .s_axil_awready (s_axil_awready),
    .s_axil_awvalid (s_axil_awvalid),
    .s_axil_awaddr  (REGS_ADDR_W'(s_axil_awaddr)),
    .s_axil_awprot  (s_axil_awprot),
    .s_axil_wready  (s_axil_wready),
    .s_axil_wvalid  (s_axil_wvalid),
    .s_axil_wdata   (s_axil_wdata),
    .s_axil_wstrb   (s_axil_wstrb),
    .s_axil_bready  (s_axil_bready),
    .s_axil_bvalid  (s_axil_bvalid),
    .s_axil_bresp   (s_axil_bresp),
    .s_axil_arready (s_axil_arready),
    .s_axil_arvalid (s_axil_arvalid),
    .s_axil_araddr  (REGS_ADDR_W'(s_axil_araddr)),
    .s_axil_arprot  (s_axil_arprot),
    .s_axil_rready  (s_axil_rready),
    .s_axil_rvalid  (s_axil_rvalid),
    .s_axil_rdata   (s_axil_rdata),
    .s_axil_rresp   (s_axil_rresp),
    .hwif_in        (hwif_in),
    .hwif_out       (hwif_out)
  );

  // ====================================================================== commands
  // KEY_CMD, REKEY_CMD, KEY_ERASE: the TX / RX / REQ fields are singlepulse (high for
  // the clock after the write).  The generated AN fields change with every write to
  // their register; the ports hold the AN of the last pulse instead, so a write
  // without a pulse bit changes nothing the stages see.
  wire logic key_pulse   = hwif_out.KEY_CMD.TX.value || hwif_out.KEY_CMD.RX.value;
  wire logic rekey_pulse = hwif_out.REKEY_CMD.REQ.value;
  wire logic erase_pulse = hwif_out.KEY_ERASE.TX.value || hwif_out.KEY_ERASE.RX.value;
  logic [1:0] key_an_q, rekey_an_q, erase_an_q;

  always_ff @(posedge clk) begin
    if (rst) begin
      key_an_q   <= '0;
      rekey_an_q <= '0;
      erase_an_q <= '0;
    end else begin
      if (key_pulse)   key_an_q   <= hwif_out.KEY_CMD.AN.value;
      if (rekey_pulse) rekey_an_q <= hwif_out.REKEY_CMD.AN.value;
      if (erase_pulse) erase_an_q <= hwif_out.KEY_ERASE.AN.value;
    end
  end

  wire logic [1:0] key_an   = key_pulse   ? hwif_out.KEY_CMD.AN.value   : key_an_q;
  wire logic [1:0] rekey_an = rekey_pulse ? hwif_out.REKEY_CMD.AN.value : rekey_an_q;
  wire logic [1:0] erase_an = erase_pulse ? hwif_out.KEY_ERASE.AN.value : erase_an_q;

  // ====================================================================== interrupt
  // An event is any change of its counter since the last clock (counters may step by
  // more than one, so the whole value is compared, not its LSB).
  logic [31:0] tag_failures_q, lock_losses_q, replays_q, key_switches_q, underflow_q, overflow_q;

  always_ff @(posedge clk) begin
    if (rst) begin
      tag_failures_q <= '0;
      lock_losses_q  <= '0;
      replays_q      <= '0;
      key_switches_q <= '0;
      underflow_q    <= '0;
      overflow_q     <= '0;
    end else begin
      tag_failures_q <= rx_cnt_sec_tag_failures;
      lock_losses_q  <= rx_cnt_lock_losses;
      replays_q      <= rx_cnt_sec_replays;
      key_switches_q <= rx_cnt_sec_key_switches;
      underflow_q    <= tx_cnt_underflow;
      overflow_q     <= tx_cnt_overflow;
    end
  end

  assign irq = (hwif_out.IRQ_STATUS.TAG_FAILURE.value       && hwif_out.IRQ_ENABLE.TAG_FAILURE.value)
            || (hwif_out.IRQ_STATUS.LOCK_LOSS.value         && hwif_out.IRQ_ENABLE.LOCK_LOSS.value)
            || (hwif_out.IRQ_STATUS.REPLAY.value            && hwif_out.IRQ_ENABLE.REPLAY.value)
            || (hwif_out.IRQ_STATUS.KEY_SWITCH.value        && hwif_out.IRQ_ENABLE.KEY_SWITCH.value)
            || (hwif_out.IRQ_STATUS.TX_FIFO_UNDERFLOW.value && hwif_out.IRQ_ENABLE.TX_FIFO_UNDERFLOW.value)
            || (hwif_out.IRQ_STATUS.TX_FIFO_OVERFLOW.value  && hwif_out.IRQ_ENABLE.TX_FIFO_OVERFLOW.value);

  // Staging (write-only, hwclr / hwset in the RDL): cleared, KEY_LEN back to AES-256, at
  // the end of the install pulse, so no key material stays here; a staging write in
  // that clock belongs to the next key and lands (software has precedence).
  always_comb begin
    hwif_in.KEY0.KEY0.hwclr = key_pulse;
    hwif_in.KEY1.KEY1.hwclr = key_pulse;
    hwif_in.KEY2.KEY2.hwclr = key_pulse;
    hwif_in.KEY3.KEY3.hwclr = key_pulse;
    hwif_in.KEY4.KEY4.hwclr = key_pulse;
    hwif_in.KEY5.KEY5.hwclr = key_pulse;
    hwif_in.KEY6.KEY6.hwclr = key_pulse;
    hwif_in.KEY7.KEY7.hwclr = key_pulse;
    hwif_in.SALT0.SALT0.hwclr = key_pulse;
    hwif_in.SALT1.SALT1.hwclr = key_pulse;
    hwif_in.SALT2.SALT2.hwclr = key_pulse;
    hwif_in.KEY_LEN.AES256.hwset = key_pulse;

    // STATUS: live; EVENTS: set by the one-clock pulses, IRQ_STATUS by counter changes
    // (the event wins over a clear)
    hwif_in.STATUS.TX_ACTIVE.next        = tx_st_active;
    hwif_in.STATUS.TX_AN.next            = tx_st_an;
    hwif_in.STATUS.TX_REKEY_PENDING.next = tx_st_rekey_pending;
    hwif_in.STATUS.TX_ALARM_PN.next      = tx_alarm_pn;
    hwif_in.STATUS.TX_ERR_KS.next        = tx_err_ks;
    hwif_in.STATUS.TX_ERR_TAG_LATE.next  = tx_err_tag_late;
    hwif_in.STATUS.RX_LOCKED.next        = rx_locked;
    hwif_in.STATUS.RX_ERR_KS.next        = rx_err_ks;
    hwif_in.STATUS.RX_ERR_BUF.next       = rx_err_buf;
    hwif_in.EVENTS.TX_KEY_REFUSED.hwset   = tx_err_key_refused;
    hwif_in.EVENTS.TX_REKEY_REFUSED.hwset = tx_err_rekey_refused;
    hwif_in.EVENTS.RX_KEY_CHANGED.hwset   = rx_ev_key_changed;
    hwif_in.IRQ_STATUS.TAG_FAILURE.hwset       = rx_cnt_sec_tag_failures != tag_failures_q;
    hwif_in.IRQ_STATUS.LOCK_LOSS.hwset         = rx_cnt_lock_losses != lock_losses_q;
    hwif_in.IRQ_STATUS.REPLAY.hwset            = rx_cnt_sec_replays != replays_q;
    hwif_in.IRQ_STATUS.KEY_SWITCH.hwset        = rx_cnt_sec_key_switches != key_switches_q;
    hwif_in.IRQ_STATUS.TX_FIFO_UNDERFLOW.hwset = tx_cnt_underflow != underflow_q;
    hwif_in.IRQ_STATUS.TX_FIFO_OVERFLOW.hwset  = tx_cnt_overflow != overflow_q;

    // Counters: live
    hwif_in.TX_CNT_FRAMES.VALUE.next             = tx_cnt_frames;
    hwif_in.TX_CNT_UNDERFLOW.VALUE.next          = tx_cnt_underflow;
    hwif_in.TX_CNT_OVERFLOW.VALUE.next           = tx_cnt_overflow;
    hwif_in.RX_CNT_FRAMES.VALUE.next             = rx_cnt_frames;
    hwif_in.RX_CNT_AM_BAD.VALUE.next             = rx_cnt_am_bad;
    hwif_in.RX_CNT_OH_CRC_ERRORS.VALUE.next      = rx_cnt_oh_crc_errors;
    hwif_in.RX_CNT_JC_CRC_ERRORS.VALUE.next      = rx_cnt_jc_crc_errors;
    hwif_in.RX_CNT_JC_PATTERN_ERRORS.VALUE.next  = rx_cnt_jc_pattern_errors;
    hwif_in.RX_CNT_UNUSABLE_FRAMES.VALUE.next    = rx_cnt_unusable_frames;
    hwif_in.RX_CNT_LOCK_LOSSES.VALUE.next        = rx_cnt_lock_losses;
    hwif_in.RX_CNT_LOCKS.VALUE.next              = rx_cnt_locks;
    hwif_in.RX_CNT_LOST_FRAMES.VALUE.next        = rx_cnt_lost_frames;
    hwif_in.RX_CNT_ERROR_BLOCKS.VALUE.next       = rx_cnt_error_blocks;
    hwif_in.RX_CNT_SEC_DROPPED.VALUE.next        = rx_cnt_sec_dropped;
    hwif_in.RX_CNT_SEC_FRAMES.VALUE.next         = rx_cnt_sec_frames;
    hwif_in.RX_CNT_SEC_PASSED.VALUE.next         = rx_cnt_sec_passed;
    hwif_in.RX_CNT_SEC_FAILED.VALUE.next         = rx_cnt_sec_failed;
    hwif_in.RX_CNT_SEC_BYPASS.VALUE.next         = rx_cnt_sec_bypass;
    hwif_in.RX_CNT_SEC_TAG_FAILURES.VALUE.next   = rx_cnt_sec_tag_failures;
    hwif_in.RX_CNT_SEC_TAGS_LOST.VALUE.next      = rx_cnt_sec_tags_lost;
    hwif_in.RX_CNT_SEC_REPLAYS.VALUE.next        = rx_cnt_sec_replays;
    hwif_in.RX_CNT_SEC_UNKNOWN_AN.VALUE.next     = rx_cnt_sec_unknown_an;
    hwif_in.RX_CNT_SEC_PAD_ERRORS.VALUE.next     = rx_cnt_sec_pad_errors;
    hwif_in.RX_CNT_SEC_PN_UNPREDICTED.VALUE.next = rx_cnt_sec_pn_unpredicted;
    hwif_in.RX_CNT_SEC_KEY_SWITCHES.VALUE.next   = rx_cnt_sec_key_switches;
    hwif_in.RX_CNT_SEC_KEY_CHANGED.VALUE.next    = rx_cnt_sec_key_changed;
  end

  // ====================================================================== outputs
  wire logic [255:0] key = {hwif_out.KEY0.KEY0.value, hwif_out.KEY1.KEY1.value, hwif_out.KEY2.KEY2.value,
                            hwif_out.KEY3.KEY3.value, hwif_out.KEY4.KEY4.value, hwif_out.KEY5.KEY5.value,
                            hwif_out.KEY6.KEY6.value, hwif_out.KEY7.KEY7.value};
  wire logic [95:0] salt = {hwif_out.SALT0.SALT0.value, hwif_out.SALT1.SALT1.value, hwif_out.SALT2.SALT2.value};

  assign tx_cfg_mode         = hwif_out.CTRL.TX_MODE.value;
  assign rx_require_security = hwif_out.CTRL.RX_REQUIRE_SECURITY.value;
  assign rx_cfg_cut_through  = hwif_out.CTRL.RX_POLICY.value;
  assign tx_cfg_link_id      = hwif_out.TX_LINK_ID.TX_LINK_ID.value;
  assign rx_cfg_link_id      = hwif_out.RX_LINK_ID.RX_LINK_ID.value;
  assign tx_key_we           = hwif_out.KEY_CMD.TX.value;
  assign rx_key_we           = hwif_out.KEY_CMD.RX.value;
  assign tx_key_an           = key_an;
  assign rx_key_an           = key_an;
  assign tx_key              = key;
  assign rx_key              = key;
  assign tx_key_len          = hwif_out.KEY_LEN.AES256.value;
  assign rx_key_len          = hwif_out.KEY_LEN.AES256.value;
  assign tx_salt             = salt;
  assign rx_salt             = salt;
  assign tx_rekey_req        = rekey_pulse;
  assign tx_rekey_an         = rekey_an;
  assign tx_erase            = hwif_out.KEY_ERASE.TX.value;
  assign rx_erase            = hwif_out.KEY_ERASE.RX.value;
  assign tx_erase_an         = erase_an;
  assign rx_erase_an         = erase_an;

endmodule

`default_nettype wire
