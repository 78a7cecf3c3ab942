// SPDX-License-Identifier: Apache-2.0
//
// Formal harness of physec_sec_rxbuf (formal/run.py, proof "release"): store-and-forward
// releases no payload of a frame whose verdict is not "pass" (spec 6.4).
//
// Every input is free, constrained only by what physec_sec_rx guarantees: frame words
// come whole and in order (any pauses, any virtual beats in between), one arrival strobe
// per frame after its word 3 and before the next frame starts, the verdict of a pending
// frame with the next frame's strobe or alone (loss of lock, finish), never a beat into a
// full buffer (the buffer is sized for one frame plus the check latency; err_ovf alarms).
// A shadow of its own, by frame number, keeps each frame's arrival and verdict; at the
// output every payload word of a frame is checked against it: a store-and-forward frame
// leaves only after its verdict, and with data (or without out_drop) only if it passed.
// Small geometry: 2-bit words, 8 words per frame, 32 entries.

`default_nettype none

module sec_rxbuf_formal #(
  parameter int WB  = 2,
  parameter int WPF = 8,
  parameter int HW  = 5,
  parameter int D   = 32
) (
  input wire logic          clk,
  input wire logic          rst_in,
  input wire logic          cut,
  input wire logic          beat,         // a frame word is stored (the next of the stream)
  input wire logic          vbeat,        // a beat without a frame word (virtual / loss)
  input wire logic [WB-1:0] word,
  input wire logic          fs_valid,
  input wire logic          fs_pending,
  input wire logic          fs_release,
  input wire logic          vd_valid,
  input wire logic          vd_pass
);

  localparam int IW = $clog2(WPF);
  logic init_q = 1'b1;
  always_ff @(posedge clk) init_q <= 1'b0;
  wire logic rst = init_q || rst_in;

  // ---- The stream: frame words in order, frames whole.
  logic [IW-1:0] widx_q;           // index of the next frame word
  logic          open_q;           // a frame is open (its words 0.. stored, not all)
  wire logic     in_fw  = beat;
  wire logic     in_sof = beat && widx_q == '0;
  always_ff @(posedge clk) begin
    if (rst) begin
      widx_q <= '0;
      open_q <= 1'b0;
    end else if (beat) begin
      widx_q <= (widx_q == IW'(WPF - 1)) ? '0 : widx_q + IW'(1);
      open_q <= widx_q != IW'(WPF - 1);
    end
  end

  logic [$clog2(D + 3)-1:0] level;
  logic out_valid, out_fw, out_sof, out_unv, out_drop, out_rel, err_ovf;
  logic [IW-1:0] out_idx;
  logic [WB-1:0] out_word;
  logic [0:0]    out_side, out_rec;
  wire logic unused = &{1'b0, out_unv, out_rel, out_side, out_rec, err_ovf};

  physec_sec_rxbuf #(
    .WORD_BITS(WB), .WORDS_PER_FRAME(WPF), .HEADER_WORDS(HW), .SIDE_W(1), .FS_W(1), .DEPTH(D)
  ) dut (
    .clk, .rst, .cut_through(cut), .in_valid(beat || vbeat), .in_fw, .in_sof, .in_word(word),
    .in_side(1'b0), .fs_valid, .fs_rec(1'b0), .fs_pending, .fs_release, .vd_valid, .vd_pass,
    .out_valid, .out_fw, .out_sof, .out_idx, .out_word, .out_side, .out_unverified(out_unv),
    .out_drop, .out_release(out_rel), .out_rec, .level, .err_ovf
  );

  // ---- Shadow, by frame number mod 8 (at most 4 frames in flight: see below).
  logic [2:0] wf_q;                 // frames opened
  logic [2:0] cur_q;                // the latest frame opened
  logic [2:0] pf_q;                 // the frame waiting for its verdict
  logic       have_pend_q;          // ... exists
  logic       fs_due_q;             // the latest frame's word 3 is stored, its strobe not given
  logic       fs_done_q;            // the latest frame's strobe was given
  logic [7:0] s_pend, s_rel, s_cut, s_vd, s_pass;
  logic [2:0] rf_q;                 // frames whose word 0 left
  logic [3:0] inflight_q;           // frames opened whose last word has not left

  wire logic last_out = out_valid && out_fw && out_idx == IW'(WPF - 1);

  always_ff @(posedge clk) begin
    if (rst) begin
      wf_q <= '0; cur_q <= '0; pf_q <= '0; have_pend_q <= 1'b0; fs_due_q <= 1'b0; fs_done_q <= 1'b1;
      rf_q <= '0; inflight_q <= '0;
      s_pend <= '0; s_rel <= '0; s_cut <= '0; s_vd <= '0; s_pass <= '0;
    end else begin
      if (in_sof) begin
        wf_q  <= wf_q + 3'd1;
        cur_q <= wf_q;
        fs_done_q <= 1'b0;
        s_vd[wf_q] <= 1'b0;
      end
      if (beat && widx_q == IW'(3)) fs_due_q <= 1'b1;
      if (fs_valid) begin
        fs_due_q <= 1'b0;
        fs_done_q <= 1'b1;
        s_pend[cur_q] <= fs_pending;
        s_rel[cur_q]  <= fs_release;
        s_cut[cur_q]  <= cut;
      end
      if (vd_valid) begin
        s_vd[pf_q]   <= 1'b1;
        s_pass[pf_q] <= vd_pass;
      end
      if (fs_valid && fs_pending) begin
        pf_q        <= cur_q;
        have_pend_q <= 1'b1;
      end else if (vd_valid) begin
        have_pend_q <= 1'b0;
      end
      if (out_valid && out_sof) rf_q <= rf_q + 3'd1;
      inflight_q <= inflight_q + 4'(in_sof) - 4'(last_out);
    end
  end

  // ---- What physec_sec_rx guarantees (assumptions).
  always @(*) begin
    if (!rst) begin
      assume (!(beat && vbeat));
      // one strobe per frame, after its word 3, before the next frame's word 0
      assume (!fs_valid || fs_due_q);
      assume (!in_sof || fs_done_q);
      // a pending frame's verdict comes with the next frame's strobe or alone, once
      assume (!vd_valid || have_pend_q);
      assume (!(fs_valid && have_pend_q) || vd_valid);
      // an accepted frame is released in cut-through on arrival
      assume (!(fs_valid && fs_pending) || fs_release);
      // no beat into a full buffer, at most 4 frames in flight (the records)
      assume (!(beat || vbeat) || level < D);
      assume (!in_sof || inflight_q < 4'd3);
    end
  end

  // ---- The property: every payload word of frame f (the rf_q - 1-th out) against the shadow.
  wire logic [2:0] of_f = out_sof ? rf_q : rf_q - 3'd1;
  wire logic       ok   = s_cut[of_f] ? s_rel[of_f] : (s_pend[of_f] ? (s_vd[of_f] && s_pass[of_f]) : s_rel[of_f]);
  always @(posedge clk) begin
    if (!rst && out_valid && out_fw && out_idx >= IW'(HW)) begin
      if (!s_cut[of_f] && s_pend[of_f]) sf_after_verdict: assert (s_vd[of_f]);
      released_only_if_ok: assert (out_drop == !ok);
      no_data_if_not_ok:   assert (ok || out_word == '0);
    end
  end

endmodule

`default_nettype wire
