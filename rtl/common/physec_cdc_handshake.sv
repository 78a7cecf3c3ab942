// SPDX-License-Identifier: Apache-2.0
//
// physec_cdc_handshake: one request with a WIDTH-bit payload at a time from the source
// clock to the destination clock (key install, rekey, erase, counter snapshot).  The
// payload is held in a source register while a toggle crosses; the destination
// captures it when the synchronised toggle changes and sends the toggle back as the
// acknowledgement.  Nothing is lost, duplicated or reordered: the source takes the next
// request only after the acknowledgement.
//
// Source domain (src_clk):
//   src_rst              synchronous reset, active high: flushes both sides (below).
//   src_valid, src_data  a request, taken at an edge with src_valid = 1, src_ready = 1 and
//                        src_rst = 0 (valid/ready: hold src_valid until taken, or drop it).
//   src_ready            registered: no request in flight and not flushing.
//   src_busy             the source side is flushing (src_ready = 0).
// Destination domain (dst_clk):
//   dst_rst              synchronous reset, active high: flushes both sides.
//   dst_valid            1 for one clock per request, with dst_data.
//   dst_data             the payload, held until the next request (0 after a flush).
//   dst_busy             the destination side is flushing.
//
// Bit order: dst_data[i] = src_data[i].
//
// Latency (N = SYNC_STAGES; Ts, Td the clock periods; no flush): a request taken at
// src_clk edge T gives dst_valid = 1 after the (N+1)-th dst_clk edge following T (the
// capture edge C), one edge later if the first synchroniser stage resolved late; src_ready
// is 1 again after the (N+1)-th src_clk edge following C (one later likewise), so the
// next request is taken at the (N+2)-th src_clk edge after C at the earliest.  Worst
// case from a take to the next possible take: (N + 2) Td + (N + 3) Ts, or
// (N + 1) Td + (N + 2) Ts without metastability; with N = 2, 3 to 4 dst_clk plus 4 to 5
// src_clk periods.
//
// Reset: src_rst and dst_rst are independent synchronous resets (e.g. each from the
// domain's physec_rst_sync); either one flushes both sides through physec_cdc_flush.  A
// request in flight when a flush begins (or taken at the edge a remote flush begins) is
// delivered at most once, before the destination's flush, or not at all; after the flush
// both sides are idle (src_ready = 1, no phantom dst_valid, dst_data = 0).  At power-up
// assert both resets together for 2 (N + 2) periods of the slower clock.
//
// CDC assumptions (syn/physec_cdc.xdc, syn/check_cdc.py): crossings are the toggle
// `src_tgl_q` -> `u_req_sync`, the acknowledgement `dst_tgl_q` -> `u_ack_sync`, the flush
// handshake `u_flush`, and the payload `src_data_q` -> `dst_data_q`, which is stable for
// N dst_clk edges before the capture: a max delay of one dst_clk period on it suffices.

`default_nettype none

/* verilator lint_off MULTITOP */
module physec_cdc_handshake #(
  parameter int WIDTH       = 32,
  parameter int SYNC_STAGES = 2
) (
  input  wire logic             src_clk,
  input  wire logic             src_rst,
  input  wire logic             src_valid,
  input  wire logic [WIDTH-1:0] src_data,
  output logic                  src_ready,
  output logic                  src_busy,

  input  wire logic             dst_clk,
  input  wire logic             dst_rst,
  output logic                  dst_valid,
  output logic [WIDTH-1:0]      dst_data,
  output logic                  dst_busy
);
/* verilator lint_on MULTITOP */

  if (WIDTH < 1 || SYNC_STAGES < 2) begin : g_bad_params
`ifdef __ICARUS__
    initial $fatal(1, "physec_cdc_handshake: need WIDTH >= 1, SYNC_STAGES >= 2; got %0d, %0d", WIDTH, SYNC_STAGES);
`else
    $fatal(1, "physec_cdc_handshake: need WIDTH >= 1, SYNC_STAGES >= 2; got %0d, %0d", WIDTH, SYNC_STAGES);
`endif
  end

  wire logic s_flush, s_clear, d_flush, d_clear;

  physec_cdc_flush #(.SYNC_STAGES(SYNC_STAGES)) u_flush (
    .a_clk(src_clk), .a_rst(src_rst), .a_flush(s_flush), .a_clear(s_clear),
    .b_clk(dst_clk), .b_rst(dst_rst), .b_flush(d_flush), .b_clear(d_clear));

  // Request toggle, acknowledgement toggle.  The waiver: physec_cdc_sync's simulation
  // model of metastability watches them with an event control.
  /* verilator lint_off SYNCASYNCNET */
  logic             src_tgl_q, dst_tgl_q;
  /* verilator lint_on SYNCASYNCNET */
  logic             req_seen, ack_seen;         // src_tgl_q in dst_clk, dst_tgl_q in src_clk
  logic [WIDTH-1:0] src_data_q, dst_data_q;

  // ---- source side
  logic src_ready_q, src_busy_q;

  physec_cdc_sync #(.WIDTH(1), .STAGES(SYNC_STAGES)) u_ack_sync (
    .clk(src_clk), .d(dst_tgl_q), .q(ack_seen));

  wire logic take = src_valid && src_ready_q && !src_rst;

  always_ff @(posedge src_clk) begin
    if (s_clear)   src_tgl_q <= 1'b0;
    else if (take) src_tgl_q <= !src_tgl_q;
    if (take) src_data_q <= src_data;
    src_ready_q <= !s_flush && !take && ack_seen == src_tgl_q;
    src_busy_q  <= s_flush;
  end

  // ---- destination side
  logic dst_valid_q, dst_busy_q;

  physec_cdc_sync #(.WIDTH(1), .STAGES(SYNC_STAGES)) u_req_sync (
    .clk(dst_clk), .d(src_tgl_q), .q(req_seen));

  wire logic capture = !d_flush && req_seen != dst_tgl_q;

  always_ff @(posedge dst_clk) begin
    if (d_clear) begin
      dst_tgl_q  <= 1'b0;
      dst_data_q <= '0;
    end else if (capture) begin
      dst_tgl_q  <= req_seen;
      dst_data_q <= src_data_q;
    end
    dst_valid_q <= capture;
    dst_busy_q  <= d_flush;
  end

  assign src_ready = src_ready_q;
  assign src_busy  = src_busy_q;
  assign dst_valid = dst_valid_q;
  assign dst_data  = dst_data_q;
  assign dst_busy  = dst_busy_q;

endmodule

`default_nettype wire
