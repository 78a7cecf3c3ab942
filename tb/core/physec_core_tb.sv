// SPDX-License-Identifier: Apache-2.0
//
// physec_core_tb: client stimulus player, line loopback and capture around physec_core
// for tb/core/test_core.py.  The AXI4-Lite slave is a port of this wrapper, driven by
// cocotbext-axi; the 66b client stream is played from a file and every output is
// recorded into files, so no datapath signal is driven or sampled per clock from Python.
// Simulation only.
//
// Clock c = the c-th clock with rst low (c = 0 first), as in physec_tx's header; cyc
// shows it.  Row c of stim.hex drives tx_client_valid / tx_client_blocks in clock c.
// The line loops back: RX input = the TX line delayed by rx_off bits (the bits of the
// word before, zero after reset, come first), the first rx_words valid words only; then
// rx_line_valid stays 0, which freezes the receiver (its counters stop).
//
// Files (simulator working directory); `load` (a clock with rst high) reads stim.hex,
// `dump` writes the others, covering clocks 0 .. cyc - 1:
//   stim.hex  per clock: {client_valid, client_blocks[263:0]} (265 bits)
//   cap.hex   per clock c < NW: {TX line_valid, line_sof, line_word} (258 bits)
//   tfr.hex   per TX fr_valid (127 bits): {c[31:0], fr_protected, fr_mode, fr_an, fr_pn,
//             fr_tag_valid, fr_kcp, fr_next_an, fr_cm, fr_mfas}
//   blk.hex   per RX client_valid (297 bits): {c[31:0], client_err, client_blocks}
//   rfr.hex   per RX fr_valid (148 bits), vd.hex per RX vd_valid (102 bits): the layouts of
//             tb/chain/physec_chain_tb.sv (chainlib.frame_got decodes them)
// ar_cyc: the clock of the last AR handshake (the clock whose register value a read
// returns, docs/registers.md).

`default_nettype none

module physec_core_tb #(
  parameter int ADDR_W = 12,
  parameter int NW     = 65536,    // stimulus and line capture clocks at most
  parameter int NB     = 65536,    // RX client records at most
  parameter int NF     = 64        // frame / verdict records at most
) (
  input  wire logic              clk,
  input  wire logic              rst,
  input  wire logic              load,
  input  wire logic              dump,
  input  wire logic [31:0]       n_stim,
  input  wire logic [31:0]       rx_words,
  input  wire logic [7:0]        rx_off,
  output logic [31:0]            cyc,
  output logic [31:0]            ar_cyc,
  output logic [31:0]            rx_fed,
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
  input  wire logic              s_axil_rready
);

  logic [264:0] stim [NW];
  wire logic [264:0] s = (!rst && cyc < n_stim) ? stim[cyc] : '0;

  // ---- the DUT
  logic         tx_valid, tx_sof, r_valid;
  logic [255:0] tx_word, prev_q;
  logic         tfv, t_prot, t_tv, t_kcp;
  logic [1:0]   t_mode, t_an, t_nan;
  logic [63:0]  t_pn;
  logic [13:0]  t_cm;
  logic [7:0]   t_mfas;
  logic         c_valid, c_err;
  logic [263:0] c_blocks;
  logic         rfv, am_good, oh_ok, jc_ok, usable, pad_inv, bypass, bp_ref, unknown, replay, unpred, keychg;
  logic         pending, release_, delivered;
  logic [3:0]   jc_kind;
  logic [13:0]  cm;
  logic [7:0]   mfas, stat;
  logic [1:0]   an, mode, vd_an;
  logic [63:0]  pn, vd_pn;
  logic         vd_valid, vd_pass, vd_lost, vd_mism, vd_keychg;

  wire logic [511:0] cat = {prev_q, tx_word} >> rx_off;
  assign r_valid = tx_valid && rx_fed < rx_words;

  physec_core #(.ADDR_W(ADDR_W)) u_core (
    .clk                 (clk),
    .rst                 (rst),
    .s_axil_awaddr       (s_axil_awaddr),
    .s_axil_awprot       (s_axil_awprot),
    .s_axil_awvalid      (s_axil_awvalid),
    .s_axil_awready      (s_axil_awready),
    .s_axil_wdata        (s_axil_wdata),
    .s_axil_wstrb        (s_axil_wstrb),
    .s_axil_wvalid       (s_axil_wvalid),
    .s_axil_wready       (s_axil_wready),
    .s_axil_bresp        (s_axil_bresp),
    .s_axil_bvalid       (s_axil_bvalid),
    .s_axil_bready       (s_axil_bready),
    .s_axil_araddr       (s_axil_araddr),
    .s_axil_arprot       (s_axil_arprot),
    .s_axil_arvalid      (s_axil_arvalid),
    .s_axil_arready      (s_axil_arready),
    .s_axil_rdata        (s_axil_rdata),
    .s_axil_rresp        (s_axil_rresp),
    .s_axil_rvalid       (s_axil_rvalid),
    .s_axil_rready       (s_axil_rready),
    .irq                 (),                  // test_core enables no interrupt (tb/csr tests irq)
    .tx_client_valid     (s[264]),
    .tx_client_blocks    (s[263:0]),
    .tx_line_valid       (tx_valid),
    .tx_line_sof         (tx_sof),
    .tx_line_word        (tx_word),
    .tx_fr_valid         (tfv),
    .tx_fr_protected     (t_prot),
    .tx_fr_mode          (t_mode),
    .tx_fr_an            (t_an),
    .tx_fr_pn            (t_pn),
    .tx_fr_tag_valid     (t_tv),
    .tx_fr_kcp           (t_kcp),
    .tx_fr_next_an       (t_nan),
    .tx_fr_cm            (t_cm),
    .tx_fr_mfas          (t_mfas),
    .rx_line_valid       (r_valid),
    .rx_line_word        (cat[255:0]),
    .rx_client_valid     (c_valid),
    .rx_client_blocks    (c_blocks),
    .rx_client_err       (c_err),
    .rx_fr_valid         (rfv),
    .rx_fr_am_good       (am_good),
    .rx_fr_oh_crc_ok     (oh_ok),
    .rx_fr_jc_crc_ok     (jc_ok),
    .rx_fr_jc_kind       (jc_kind),
    .rx_fr_usable        (usable),
    .rx_fr_cm            (cm),
    .rx_fr_mfas          (mfas),
    .rx_fr_stat          (stat),
    .rx_fr_an            (an),
    .rx_fr_pn            (pn),
    .rx_fr_mode          (mode),
    .rx_fr_pad_invalid   (pad_inv),
    .rx_fr_bypass        (bypass),
    .rx_fr_bypass_refused(bp_ref),
    .rx_fr_unknown_an    (unknown),
    .rx_fr_replay        (replay),
    .rx_fr_pn_unpredicted(unpred),
    .rx_fr_key_changed   (keychg),
    .rx_fr_pending       (pending),
    .rx_fr_release       (release_),
    .rx_fr_delivered     (delivered),
    .rx_vd_valid         (vd_valid),
    .rx_vd_pass          (vd_pass),
    .rx_vd_tag_lost      (vd_lost),
    .rx_vd_tag_mismatch  (vd_mism),
    .rx_vd_key_changed   (vd_keychg),
    .rx_vd_an            (vd_an),
    .rx_vd_pn            (vd_pn)
  );

  // ---- records
  logic [257:0] cap [NW];
  logic [126:0] tfc [NF];
  logic [296:0] blc [NB];
  logic [147:0] rfc [NF];
  logic [101:0] vdc [NF];
  logic [31:0]  n_tf, n_blk, n_rf, n_vd;

  always @(posedge clk) begin
    if (load) $readmemh("stim.hex", stim, 0, n_stim - 1);
    if (rst) begin
      cyc    <= '0;
      ar_cyc <= '0;
      rx_fed <= '0;
      prev_q <= '0;
      n_tf   <= '0;
      n_blk  <= '0;
      n_rf   <= '0;
      n_vd   <= '0;
    end else begin
      cyc <= cyc + 32'd1;
      if (s_axil_arvalid && s_axil_arready) ar_cyc <= cyc;
      if (tx_valid) prev_q <= tx_word;
      if (r_valid) rx_fed <= rx_fed + 32'd1;
      if (cyc < NW) cap[cyc] <= {tx_valid, tx_sof, tx_word};
      if (tfv && n_tf < NF) begin
        tfc[n_tf] <= {cyc, t_prot, t_mode, t_an, t_pn, t_tv, t_kcp, t_nan, t_cm, t_mfas};
        n_tf      <= n_tf + 32'd1;
      end
      if (c_valid && n_blk < NB) begin
        blc[n_blk] <= {cyc, c_err, c_blocks};
        n_blk      <= n_blk + 32'd1;
      end
      if (rfv && n_rf < NF) begin
        rfc[n_rf] <= {cyc, am_good, oh_ok, jc_ok, jc_kind, usable, cm, mfas, stat, an, pn, mode, pad_inv, bypass,
                      bp_ref, unknown, replay, unpred, keychg, pending, release_, delivered};
        n_rf      <= n_rf + 32'd1;
      end
      if (vd_valid && n_vd < NF) begin
        vdc[n_vd] <= {cyc, vd_pass, vd_lost, vd_mism, vd_keychg, vd_an, vd_pn};
        n_vd      <= n_vd + 32'd1;
      end
    end
    if (dump) begin
      if (cyc != 0)   $writememh("cap.hex", cap, 0, (cyc < NW ? cyc : NW) - 1);
      if (n_tf != 0)  $writememh("tfr.hex", tfc, 0, n_tf - 1);
      if (n_blk != 0) $writememh("blk.hex", blc, 0, n_blk - 1);
      if (n_rf != 0)  $writememh("rfr.hex", rfc, 0, n_rf - 1);
      if (n_vd != 0)  $writememh("vd.hex", vdc, 0, n_vd - 1);
    end
  end

endmodule

`default_nettype wire
