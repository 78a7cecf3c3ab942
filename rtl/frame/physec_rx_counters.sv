// SPDX-License-Identifier: Apache-2.0
//
// physec_rx_counters: the frame stage's receive counters, the model's
// physec.frame.RxCounters (frames .. error_blocks), shared by physec_frame_rx and
// physec_rx (which puts the security stage between aligner and demapper, so the events
// come from the same two blocks either way).
//
// Inputs: the demapper's per-frame status (st_*, one st_valid clock per processed frame;
// st_jc_kind as physec_gmp_demap: 7 pattern, 8 stale), the aligner's one-clock events,
// and err_block (one clock per ERROR_257B block emitted).  rst: synchronous, active high.
// Outputs: 32-bit wrapping counters.

`default_nettype none

module physec_rx_counters (
  input  wire logic        clk,
  input  wire logic        rst,
  input  wire logic        st_valid,
  input  wire logic        st_oh_crc_ok,
  input  wire logic        st_jc_crc_ok,
  input  wire logic [3:0]  st_jc_kind,
  input  wire logic        st_usable,
  input  wire logic        ev_am_bad,
  input  wire logic        ev_loss,
  input  wire logic        ev_lock,
  input  wire logic        lost_tick,
  input  wire logic        err_block,
  output logic [31:0]      cnt_frames,
  output logic [31:0]      cnt_am_bad,
  output logic [31:0]      cnt_oh_crc_errors,
  output logic [31:0]      cnt_jc_crc_errors,
  output logic [31:0]      cnt_jc_pattern_errors,
  output logic [31:0]      cnt_unusable_frames,
  output logic [31:0]      cnt_lock_losses,
  output logic [31:0]      cnt_locks,
  output logic [31:0]      cnt_lost_frames,
  output logic [31:0]      cnt_error_blocks
);

  always_ff @(posedge clk) begin
    if (rst) begin
      cnt_frames <= '0;        cnt_am_bad <= '0;          cnt_oh_crc_errors <= '0;
      cnt_jc_crc_errors <= '0; cnt_jc_pattern_errors <= '0; cnt_unusable_frames <= '0;
      cnt_lock_losses <= '0;   cnt_locks <= '0;           cnt_lost_frames <= '0;
      cnt_error_blocks <= '0;
    end else begin
      cnt_frames            <= cnt_frames + 32'(st_valid);
      cnt_am_bad            <= cnt_am_bad + 32'(ev_am_bad);
      cnt_oh_crc_errors     <= cnt_oh_crc_errors + 32'(st_valid && !st_oh_crc_ok);
      cnt_jc_crc_errors     <= cnt_jc_crc_errors + 32'(st_valid && !st_jc_crc_ok);
      cnt_jc_pattern_errors <= cnt_jc_pattern_errors + 32'(st_valid && (st_jc_kind == 4'd7 || st_jc_kind == 4'd8));
      cnt_unusable_frames   <= cnt_unusable_frames + 32'(st_valid && !st_usable);
      cnt_lock_losses       <= cnt_lock_losses + 32'(ev_loss);
      cnt_locks             <= cnt_locks + 32'(ev_lock);
      cnt_lost_frames       <= cnt_lost_frames + 32'(lost_tick);
      cnt_error_blocks      <= cnt_error_blocks + 32'(err_block);
    end
  end

endmodule

`default_nettype wire
