// SPDX-License-Identifier: Apache-2.0
//
// physec_fifo_ram: show-ahead FIFO whose storage is a physec_sdp_ram with a registered
// read (block RAM /
// UltraRAM when large), one write and one pop per clock.
//
//   wr_en, wr_data     push at this edge.  A push into a full FIFO is not stored and
//                      sets err_ovf (sticky: the caller's design or usage error).
//   rd_valid, rd_data  the head (show-ahead: valid data without a request).
//   rd_en              pop the head at this edge (ignored while rd_valid = 0).
//   level              entries stored, 0 .. DEPTH + 3 (RAM plus the three output registers).
//
// Latency: a word pushed at edge t is the head from edge t + 2 on if the FIFO was
// empty (RAM write, then the RAM read).  Throughput: one push and one pop per clock
// with no bubble: three output registers hold what the RAM delivered while the head is
// not popped, and a RAM read is issued whenever they have room counting the read in
// flight.  The third register lets that decision ignore this clock's pop: rd_en (the
// caller's release logic) reaches only the output registers, never the RAM counters.  rst (synchronous, active high) empties the FIFO; the RAM keeps its
// contents (not key material; users that store keys must not use this FIFO).
//
// Bit order: opaque words.

`default_nettype none

/* verilator lint_off MULTITOP */
module physec_fifo_ram #(
  parameter int W     = 256,
  parameter int DEPTH = 1024,              // RAM entries, a power of two
  localparam int AW   = $clog2(DEPTH),
  localparam int LW   = $clog2(DEPTH + 4)
) (
  input  wire logic          clk,
  input  wire logic          rst,
  input  wire logic          wr_en,
  input  wire logic [W-1:0]  wr_data,
  output logic               rd_valid,
  output logic [W-1:0]       rd_data,
  input  wire logic          rd_en,
  output logic [LW-1:0]      level,
  output logic               err_ovf
);
/* verilator lint_on MULTITOP */

  if (DEPTH < 4 || (1 << AW) != DEPTH) begin : g_bad_params
`ifdef __ICARUS__
    initial $fatal(1, "physec_fifo_ram: DEPTH must be a power of two >= 4, got %0d", DEPTH);
`else
    $fatal(1, "physec_fifo_ram: DEPTH must be a power of two >= 4, got %0d", DEPTH);
`endif
  end

  // ---- RAM part: words pushed and not yet read out of the RAM.
  logic [AW-1:0] wa_q, ra_q;
  logic [AW:0]   ram_cnt_q;
  logic          inflight_q;            // a RAM read was issued at the last edge
  logic [1:0]    ocnt_q;                // words in the output registers
  logic          valid_q;               // ocnt_q != 0 in a flop of its own: rd_valid
                                        // steers the caller's pop decision
  // o_q[0] is the head.  Packed: Icarus 11 does not update a continuous assignment from
  // an unpacked array word written in a generate loop (rd_data stayed X).
  logic [2:0][W-1:0] o_q;
  logic [W-1:0]  rdata;

  wire logic pop   = rd_en && valid_q;
  wire logic full  = ram_cnt_q == (AW+1)'(DEPTH);
  wire logic push  = wr_en && !full;
  // Room for one more word in the output registers, without this edge's pop.
  wire logic issue = ram_cnt_q != '0 && 3'(ocnt_q) + 3'(inflight_q) < 3'd3;

  // The RAM reads every clock; its word matters in the clock after an issue.
  physec_sdp_ram #(.WIDTH(W), .DEPTH(DEPTH), .RD_LATENCY(1)) u_ram (
    .clk  (clk),
    .we   (push),
    .waddr(wa_q),
    .wdata(wr_data),
    .raddr(ra_q),
    .rdata(rdata)
  );

  always_ff @(posedge clk) begin
    if (rst) begin
      wa_q       <= '0;
      ra_q       <= '0;
      ram_cnt_q  <= '0;
      inflight_q <= 1'b0;
      ocnt_q     <= 2'd0;
      valid_q    <= 1'b0;
      err_ovf    <= 1'b0;
    end else begin
      if (push)  wa_q <= wa_q + AW'(1);
      if (issue) ra_q <= ra_q + AW'(1);
      ram_cnt_q  <= ram_cnt_q + (AW+1)'(push) - (AW+1)'(issue);
      inflight_q <= issue;
      ocnt_q     <= ocnt_q + 2'(inflight_q) - 2'(pop);
      valid_q    <= inflight_q || ocnt_q > 2'(pop);
      if (wr_en && full) err_ovf <= 1'b1;
    end
  end

  // Output registers: a pop shifts them towards the head; the word read at the last edge
  // lands behind what remains.
  // (Selects decoded once, so each data bit is one 3:1 mux behind them.)
  wire logic [1:0] land = ocnt_q - 2'(pop);
  for (genvar i = 0; i < 3; i++) begin : g_out
    wire logic take  = inflight_q && land == 2'(i);
    wire logic shift = pop && !take && i < 2;
    always_ff @(posedge clk) begin
      if (take)       o_q[i] <= rdata;
      else if (shift) o_q[i] <= o_q[(i + 1) % 3];
    end
  end

  assign rd_valid = valid_q;
  assign rd_data  = o_q[0];
  assign level    = LW'(ram_cnt_q) + LW'(inflight_q) + LW'(ocnt_q);

`ifndef SYNTHESIS
  always @(posedge clk) begin
    if (!rst && 3'(ocnt_q) + 3'(inflight_q) > 3'd3)
      $error("physec_fifo_ram: output registers overrun (%0d + %0d)", ocnt_q, inflight_q);
  end
`endif

endmodule

`default_nettype wire
