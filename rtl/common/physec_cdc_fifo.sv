// SPDX-License-Identifier: Apache-2.0
//
// physec_cdc_fifo: asynchronous FIFO between two unrelated clocks, Gray-coded pointers,
// show-ahead read.  One file: the two-clock RAM (`mem`, simple dual port) is inside.
//
// Write domain (wr_clk; everything registered, nothing combinational from an input to
// an output):
//   wr_rst             synchronous reset, active high: flushes the FIFO (below).
//   wr_en, wr_data     a write is accepted at an edge with wr_en = 1, wr_full = 0 and
//                      wr_rst = 0.  A write while wr_full = 1 is dropped and flagged.
//   wr_full            no room (wr_level = DEPTH), or flushing (wr_busy).
//   wr_level           entries in the FIFO as the write side knows it, 0 .. DEPTH: its
//                      own writes minus the reads it has seen.  Conservative: never
//                      below the true fill; at most one synchroniser latency stale (below).
//   wr_overflow        1 for one clock after an edge where a write was dropped (wr_en = 1,
//                      wr_full = 1, wr_rst = 0).
//   wr_busy            the write side is flushing (wr_full = 1, wr_level = 0).
// Read domain (rd_clk):
//   rd_rst             synchronous reset, active high: flushes the FIFO.
//   rd_valid, rd_data  show-ahead: the head entry, valid without a request.  rd_data
//                      is 0 after a flush and holds the last head after the FIFO ran
//                      empty; it means something only while rd_valid = 1.
//   rd_en              pop the head at this edge (with rd_valid = 1 and rd_rst = 0).
//                      rd_en while rd_valid = 0 is ignored and flagged.
//   rd_level           entries as the read side knows them, 0 .. DEPTH: the writes it
//                      has seen minus its own pops.  Conservative: never above the true
//                      fill.  rd_valid = (rd_level != 0).
//   rd_underflow       1 for one clock after an edge with rd_en = 1, rd_valid = 0, rd_rst = 0.
//   rd_busy            the read side is flushing (rd_valid = 0, rd_level = 0).
//
// Bit order: opaque WIDTH-bit words, rd_data[i] = wr_data[i].
//
// Latency (N = SYNC_STAGES; no flush): a word written at wr_clk edge W is the head
// (rd_valid = 1) after the (N+1)-th rd_clk edge following W, one edge later if the first
// synchroniser stage resolved late (metastability); in time, within (N + 2) rd_clk
// periods.  The same holds for a pop and the write side's view (wr_level, wr_full).
// Staleness bounds the tests check: after rd_clk edge E, rd_level counts every write at
// least (N+1) rd_clk periods (plus the metastability window) before E and no write less
// than N periods before it; wr_level likewise for reads in wr_clk periods.  Throughput:
// one write and one pop per clock of each side; a FIFO that the read side knows is not
// empty delivers one word per rd_clk with rd_en held.  Capacity: DEPTH words.
//
// Storage: `mem`, DEPTH x WIDTH, written in wr_clk, read in rd_clk into the register
// `rd_data_q` (the head): the template FPGA tools map to block RAM or LUT RAM with a
// registered read (one read latency, counted in the N+1 above; the registered read may
// be reset, which block RAMs support).  An address is read only after its write crossed
// (N rd_clk edges at least) and written again only after its pop crossed back, so the two
// ports never touch one address at once: no read-during-write behaviour is relied on.
//
// Reset (flush): wr_rst and rd_rst are independent synchronous resets; drive each from
// the domain's physec_rst_sync (asynchronous assertion, synchronous release) or any
// synchronous source.  A reset on either side flushes the whole FIFO through the
// handshake of physec_cdc_flush: both sides go busy, each clears its pointer only while
// the other is known to be flushing, and both leave empty, within about
// 2 (N + 2) (T_wr + T_rd) after the reset ends.  Words in the FIFO when the flush reaches
// a side, and a word accepted at the edge a remote flush begins, are discarded; no word
// written before a flush is read after it has ended on both sides (no stale or phantom
// entries, no X); words written after it (also by a side that left the flush before the
// other) arrive intact and in order.  Resets may come at any time, on either side or
// both, also during a flush.  At power-up assert both resets together for 2 (N + 2)
// periods of the slower clock (physec_cdc_flush).
//
// CDC assumptions (syn/physec_cdc.xdc constrains, syn/check_cdc.py checks): the only
// signals between the domains are the Gray pointers `wr_gray_q` -> `u_w2r`,
// `rd_gray_q` -> `u_r2w` (registers, one bit changes per clock, skew constrained to one
// source clock period), the flush handshake (`u_flush`), and the RAM read of `mem` into
// `rd_data_q` (written N+1 rd_clk edges before it is read: a max delay of one rd_clk
// period on that path suffices).

`default_nettype none

/* verilator lint_off MULTITOP */
module physec_cdc_fifo #(
  parameter int WIDTH       = 64,
  parameter int DEPTH       = 16,           // a power of two >= 2
  parameter int SYNC_STAGES = 2,            // >= 2
  localparam int AW         = (DEPTH <= 2) ? 1 : $clog2(DEPTH)
) (
  input  wire logic             wr_clk,
  input  wire logic             wr_rst,
  input  wire logic             wr_en,
  input  wire logic [WIDTH-1:0] wr_data,
  output logic                  wr_full,
  output logic [AW:0]           wr_level,
  output logic                  wr_overflow,
  output logic                  wr_busy,

  input  wire logic             rd_clk,
  input  wire logic             rd_rst,
  input  wire logic             rd_en,
  output logic                  rd_valid,
  output logic [WIDTH-1:0]      rd_data,
  output logic [AW:0]           rd_level,
  output logic                  rd_underflow,
  output logic                  rd_busy
);
/* verilator lint_on MULTITOP */

  if (WIDTH < 1 || DEPTH < 2 || (1 << AW) != DEPTH || SYNC_STAGES < 2) begin : g_bad_params
`ifdef __ICARUS__
    initial $fatal(1, "physec_cdc_fifo: need WIDTH >= 1, DEPTH a power of two >= 2, SYNC_STAGES >= 2; got %0d, %0d, %0d",
                   WIDTH, DEPTH, SYNC_STAGES);
`else
    $fatal(1, "physec_cdc_fifo: need WIDTH >= 1, DEPTH a power of two >= 2, SYNC_STAGES >= 2; got %0d, %0d, %0d",
           WIDTH, DEPTH, SYNC_STAGES);
`endif
  end

  localparam int PW = AW + 1;               // pointers count modulo 2 * DEPTH

  function automatic logic [PW-1:0] bin2gray(input logic [PW-1:0] b);
    return b ^ (b >> 1);
  endfunction

  function automatic logic [PW-1:0] gray2bin(input logic [PW-1:0] g);
    logic [PW-1:0] b;
    for (int i = 0; i < PW; i++) b[i] = ^(g >> i);
    return b;
  endfunction

  // ---- flush handshake
  wire logic w_flush, w_clear, r_flush, r_clear;

  physec_cdc_flush #(.SYNC_STAGES(SYNC_STAGES)) u_flush (
    .a_clk(wr_clk), .a_rst(wr_rst), .a_flush(w_flush), .a_clear(w_clear),
    .b_clk(rd_clk), .b_rst(rd_rst), .b_flush(r_flush), .b_clear(r_clear));

  // ---- storage
  logic [WIDTH-1:0] mem [DEPTH];
  logic [WIDTH-1:0] rd_data_q;

  // ---- pointers (binary counts of writes / pops modulo 2 DEPTH, and their Gray codes)
  logic [PW-1:0] wr_bin_q, wr_gray_q, rd_gray_w;    // rd_gray_w: rd_gray_q in wr_clk
  logic [PW-1:0] rd_bin_q, rd_gray_q, wr_gray_r;    // wr_gray_r: wr_gray_q in rd_clk

  // ---- write side
  logic [PW-1:0] wr_level_q;
  logic          wr_full_q, wr_overflow_q, wr_busy_q;

  physec_cdc_sync #(.WIDTH(PW), .STAGES(SYNC_STAGES)) u_r2w (
    .clk(wr_clk), .d(rd_gray_q), .q(rd_gray_w));

  wire logic          push        = wr_en && !wr_full_q && !wr_rst;
  wire logic [PW-1:0] wr_bin_next = wr_bin_q + PW'(push);
  wire logic [PW-1:0] wr_lvl_next = wr_bin_next - gray2bin(rd_gray_w);

  always_ff @(posedge wr_clk) begin
    if (w_clear) begin
      wr_bin_q  <= '0;
      wr_gray_q <= '0;
    end else begin
      wr_bin_q  <= wr_bin_next;
      wr_gray_q <= bin2gray(wr_bin_next);
    end
    if (w_flush) begin
      wr_level_q <= '0;
      wr_full_q  <= 1'b1;
    end else begin
      wr_level_q <= wr_lvl_next;
      wr_full_q  <= wr_lvl_next == PW'(DEPTH);
    end
    wr_overflow_q <= wr_en && wr_full_q && !wr_rst;
    wr_busy_q     <= w_flush;
  end

  always_ff @(posedge wr_clk) begin
    if (push) mem[wr_bin_q[AW-1:0]] <= wr_data;
  end

  // ---- read side: rd_bin_q counts pops; the head register holds mem[rd_bin_q] while
  // rd_valid_q, so the RAM is read at the entry after this edge's pop.
  logic [PW-1:0] rd_level_q;
  logic          rd_valid_q, rd_underflow_q, rd_busy_q;

  physec_cdc_sync #(.WIDTH(PW), .STAGES(SYNC_STAGES)) u_w2r (
    .clk(rd_clk), .d(wr_gray_q), .q(wr_gray_r));

  wire logic          pop         = rd_en && rd_valid_q && !rd_rst;
  wire logic [PW-1:0] rd_bin_next = rd_bin_q + PW'(pop);
  wire logic [PW-1:0] rd_lvl_next = gray2bin(wr_gray_r) - rd_bin_next;
  wire logic          ram_re      = !r_flush && (pop || !rd_valid_q) && rd_lvl_next != '0;

  always_ff @(posedge rd_clk) begin
    if (r_clear) begin
      rd_bin_q  <= '0;
      rd_gray_q <= '0;
    end else begin
      rd_bin_q  <= rd_bin_next;
      rd_gray_q <= bin2gray(rd_bin_next);
    end
    if (r_flush) begin
      rd_level_q <= '0;
      rd_valid_q <= 1'b0;
    end else begin
      rd_level_q <= rd_lvl_next;
      rd_valid_q <= rd_lvl_next != '0;
    end
    rd_underflow_q <= rd_en && !rd_valid_q && !rd_rst;
    rd_busy_q      <= r_flush;
  end

  always_ff @(posedge rd_clk) begin
    if (r_flush)     rd_data_q <= '0;
    else if (ram_re) rd_data_q <= mem[rd_bin_next[AW-1:0]];
  end

  assign wr_full      = wr_full_q;
  assign wr_level     = wr_level_q;
  assign wr_overflow  = wr_overflow_q;
  assign wr_busy      = wr_busy_q;
  assign rd_valid     = rd_valid_q;
  assign rd_data      = rd_data_q;
  assign rd_level     = rd_level_q;
  assign rd_underflow = rd_underflow_q;
  assign rd_busy      = rd_busy_q;

endmodule

`default_nettype wire
