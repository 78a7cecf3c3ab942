// SPDX-License-Identifier: Apache-2.0
//
// cdc_check_top: the test design of syn/check_cdc.py (tb/cdc_check/test_check_cdc.py).
// Two clocks, clk_a and clk_b.  Crossings:
//   - cnt_a (clk_a) -> physec_cdc_fifo -> fifo_q (clk_b): correct;
//   - lvl_a (clk_a) -> physec_cdc_handshake -> hs_q (clk_b): correct;
//   - rst_b from a clk_a register through physec_rst_sync: correct (asynchronous set);
//   - cnt_a (clk_a) -> bad_q (clk_b) directly: the one crossing the check must flag
//     (BAD = 1; with BAD = 0 bad_q takes hs_q instead and the design is clean).

`default_nettype none

module cdc_check_top #(
  parameter bit BAD = 1
) (
  input  wire logic       clk_a,
  input  wire logic       rst_pad,
  input  wire logic       clk_b,
  input  wire logic       rd_en,
  output logic      [7:0] fifo_q,
  output logic      [7:0] hs_q,
  output logic      [7:0] bad_q
);

  logic       rst_a, rst_b, rst_b_req_q;
  logic [7:0] cnt_a;
  logic       rd_valid, src_ready;
  logic [7:0] rd_data, dst_data;

  physec_rst_sync u_rst_a (.clk(clk_a), .rst_in(rst_pad), .rst_out(rst_a));

  always_ff @(posedge clk_a) begin
    if (rst_a) cnt_a <= '0;
    else       cnt_a <= cnt_a + 8'd1;
    rst_b_req_q <= rst_a || cnt_a == 8'hFF;
  end

  physec_rst_sync u_rst_b (.clk(clk_b), .rst_in(rst_b_req_q), .rst_out(rst_b));

  physec_cdc_fifo #(.WIDTH(8), .DEPTH(4)) u_fifo (
    .wr_clk(clk_a), .wr_rst(rst_a), .wr_en(1'b1), .wr_data(cnt_a),
    .wr_full(), .wr_level(), .wr_overflow(), .wr_busy(),
    .rd_clk(clk_b), .rd_rst(rst_b), .rd_en(rd_en), .rd_valid(rd_valid), .rd_data(rd_data),
    .rd_level(), .rd_underflow(), .rd_busy());

  physec_cdc_handshake #(.WIDTH(8)) u_hs (
    .src_clk(clk_a), .src_rst(rst_a), .src_valid(1'b1), .src_data(cnt_a), .src_ready(src_ready),
    .src_busy(), .dst_clk(clk_b), .dst_rst(rst_b), .dst_valid(), .dst_data(dst_data), .dst_busy());

  always_ff @(posedge clk_b) begin
    if (rd_valid) fifo_q <= rd_data;
    hs_q  <= dst_data;
    bad_q <= BAD ? cnt_a : hs_q;
  end

endmodule

`default_nettype wire
