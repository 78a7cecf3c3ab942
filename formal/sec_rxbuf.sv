// SPDX-License-Identifier: Apache-2.0
//
// Formal harness of physec_sec_rxbuf (formal/run.py, proof "release"): store-and-forward
// releases no payload of a frame whose verdict is not "pass" (spec 6.4).
//
// Every input is free, constrained only by what physec_sec_rx guarantees: frame words
// come whole and in order (any pauses, any virtual beats in between), one arrival strobe
// per frame after its word 3 and before the next frame starts, the verdict of a pending
// frame with the next frame's strobe or alone (loss of lock, finish), never a beat into a
// full buffer (the buffer is sized for one frame plus the check latency; err_ovf alarms),
// at most 3 frames in flight (opened, last word not out; physec_sec_rx holds about 2).
// A shadow of its own, by frame number, keeps each frame's arrival and verdict; at the
// output every payload word of a frame is checked against it: a store-and-forward frame
// leaves only after its verdict, and with data (or without out_drop) only if it passed.
// Small geometry: 2-bit words, 8 words per frame, 32 entries.
//
// Stream positions are serials: frame number mod 8 in bits [5:3], word index in [2:0]
// (8 words per frame).  The invariants that make the proof inductive (k = 1) tie the
// DUT's state to the shadow: a ghost FIFO (a second physec_fifo_ram, same controls)
// carries each beat's serial, so the DUT's FIFO entries (fw, sof) and the read side's
// frame and word counters are those of the stream; the frame records are those of the
// shadow for every frame in flight.

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

  if (WPF != 8 || D != 32) begin : g_bad_params
    $fatal(1, "sec_rxbuf_formal: the serials assume 8 words per frame and 32 entries");
  end

  localparam int IW = 3;
  localparam int EW = 3 + WB;                 // the DUT's FIFO entry {fw, sof, side, word}
  localparam int AW = 5;

  logic init_q = 1'b1;
  always_ff @(posedge clk) init_q <= 1'b0;
  wire logic rst = init_q || rst_in;

  // ---- The stream: frame words in order, frames whole.  ws_q: serial of the next frame
  // word stored; os_q: of the next frame word out.
  logic [5:0] ws_q, os_q;
  logic       any_q;                          // a frame was opened since reset
  wire logic [2:0] widx   = ws_q[2:0];
  wire logic       in_fw  = beat;
  wire logic       in_sof = beat && widx == '0;
  wire logic [2:0] cur    = ws_q[5:3] - 3'(widx == '0);   // the latest frame opened
  wire logic [2:0] opened = ws_q[5:3] + 3'(widx != '0);   // frames opened (mod 8)

  logic [$clog2(D + 4)-1:0] level;
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

  // ---- Ghost FIFO: {fw, serial} of every beat, popped with the DUT's FIFO.
  logic       g_valid;
  logic [6:0] g_head;
  logic [$clog2(D + 4)-1:0] g_level;
  logic       g_ovf;
  wire logic  unused_g = &{1'b0, g_valid, g_head, g_level, g_ovf};
  physec_fifo_ram #(.W(7), .DEPTH(D)) ghost (
    .clk, .rst, .wr_en(beat || vbeat), .wr_data({beat, ws_q}), .rd_valid(g_valid),
    .rd_data(g_head), .rd_en(dut.h_pop), .level(g_level), .err_ovf(g_ovf)
  );

  // ---- Shadow, by frame number mod 8.
  logic [2:0] pf_q;                 // the frame waiting for its verdict
  logic       have_pend_q;          // ... exists
  logic       fs_due_q;             // the latest frame's word 3 is stored, its strobe not given
  logic       fs_done_q;            // the latest frame's strobe was given
  logic [7:0] s_pend, s_rel, s_cut, s_vd, s_pass;

  always_ff @(posedge clk) begin
    if (rst) begin
      ws_q <= '0; os_q <= '0; any_q <= 1'b0;
      pf_q <= '0; have_pend_q <= 1'b0; fs_due_q <= 1'b0; fs_done_q <= 1'b1;
      s_pend <= '0; s_rel <= '0; s_cut <= '0; s_vd <= '0; s_pass <= '0;
    end else begin
      if (beat) ws_q <= ws_q + 6'd1;
      if (out_valid && out_fw) os_q <= os_q + 6'd1;
      if (in_sof) begin
        any_q <= 1'b1;
        fs_done_q <= 1'b0;
        s_vd[ws_q[5:3]] <= 1'b0;
      end
      if (beat && widx == 3'd3) fs_due_q <= 1'b1;
      if (fs_valid) begin
        fs_due_q <= 1'b0;
        fs_done_q <= 1'b1;
        s_pend[cur] <= fs_pending;
        s_rel[cur]  <= fs_release;
        s_cut[cur]  <= cut;
      end
      if (vd_valid) begin
        s_vd[pf_q]   <= 1'b1;
        s_pass[pf_q] <= vd_pass;
      end
      if (fs_valid && fs_pending) begin
        pf_q        <= cur;
        have_pend_q <= 1'b1;
      end else if (vd_valid) begin
        have_pend_q <= 1'b0;
      end
    end
  end

  // Frames in flight: opened, last word not out.
  wire logic [2:0] inflight = opened - os_q[5:3];
  // Serial of the next frame word popped from the FIFO (out_fw: popped, not yet counted).
  wire logic [5:0] ps = os_q + 6'(out_fw);

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
      // no beat into a full buffer, at most 3 frames in flight
      assume (!(beat || vbeat) || level < D);
      assume (!in_sof || inflight < 3'd3);
    end
  end

  // ---- The property: every payload word of frame f (the word's serial os_q) against
  // the shadow, at the harness's own word index.
  function automatic logic ok_f(input logic [2:0] f);
    return s_cut[f] ? s_rel[f] : (s_pend[f] ? (s_vd[f] && s_pass[f]) : s_rel[f]);
  endfunction
  wire logic [2:0] of_f = os_q[5:3];
  always @(*) begin
    if (!rst && out_valid && out_fw && os_q[2:0] >= 3'(HW)) begin
      if (!s_cut[of_f] && s_pend[of_f]) sf_after_verdict: assert (s_vd[of_f]);
      released_only_if_ok: assert (out_drop == !ok_f(of_f));
      no_data_if_not_ok:   assert (ok_f(of_f) || out_word == '0);
    end
    if (!rst && out_valid && out_fw) begin
      out_index: assert (out_idx == os_q[2:0] && out_sof == (os_q[2:0] == 3'd0));
    end
  end

  // ---- Invariants (inductive strengthening).
  // The FIFO's logical contents, head first: o_q[0..2] (ocnt_q of them), the RAM
  // read in flight, then the RAM from ra_q (ram_cnt_q entries).
  wire logic [AW-1:0] ra     = dut.u_fifo.ra_q;
  wire logic [AW:0]   rcnt   = dut.u_fifo.ram_cnt_q;
  wire logic [1:0]    ocnt   = dut.u_fifo.ocnt_q;
  wire logic          infl   = dut.u_fifo.inflight_q;
  wire logic [6:0]    g_o0   = ghost.o_q[0];
  wire logic [6:0]    g_o1   = ghost.o_q[1];
  wire logic [6:0]    g_o2   = ghost.o_q[2];
  wire logic [6:0]    g_rd   = ghost.rdata;

  function automatic logic [5:0] nxt(input logic [6:0] g);   // serial after a beat
    return g[5:0] + 6'(g[6]);
  endfunction
  function automatic logic match(input logic [EW-1:0] e, input logic [6:0] g);
    return e[EW-1] == g[6] && e[EW-2] == (g[6] && g[2:0] == 3'd0);
  endfunction

  // The last of o_q[0..2], rdata present, and the serial after it.
  wire logic       pre_any = ocnt != 2'd0 || infl;
  wire logic [6:0] last_o  = ocnt == 2'd3 ? g_o2 : ocnt == 2'd2 ? g_o1 : g_o0;
  wire logic [6:0] pre_g   = infl ? g_rd : last_o;
  wire logic [5:0] ram_s0  = pre_any ? nxt(pre_g) : ps;      // serial of the RAM's first
  wire logic [AW-1:0] last_a = dut.u_fifo.wa_q - AW'(1);

  always @(*) begin
    if (!rst) begin
      // FIFO controls: the ghost's equal the DUT's; the RAM window is consistent.
      fifo_ghost: assert (ghost.wa_q == dut.u_fifo.wa_q && ghost.ra_q == ra &&
                          ghost.ram_cnt_q == rcnt && ghost.inflight_q == infl && ghost.ocnt_q == ocnt &&
                          dut.u_fifo.valid_q == (ocnt != 2'd0) && ghost.valid_q == (ocnt != 2'd0));
      fifo_window: assert (dut.u_fifo.wa_q == ra + AW'(rcnt) && rcnt <= (AW+1)'(D) &&
                           3'(ocnt) + 3'(infl) <= 3'd3);
      // Output registers and the read in flight: entries of the stream, in order.
      if (ocnt != 2'd0) fifo_o0: assert (match(dut.u_fifo.o_q[0], g_o0) && g_o0[5:0] == ps);
      if (ocnt >= 2'd2) fifo_o1: assert (match(dut.u_fifo.o_q[1], g_o1) && g_o1[5:0] == nxt(g_o0));
      if (ocnt == 2'd3) fifo_o2: assert (match(dut.u_fifo.o_q[2], g_o2) && g_o2[5:0] == nxt(g_o1));
      if (infl) begin
        fifo_rd: assert (match(dut.u_fifo.rdata, g_rd) &&
                         g_rd[5:0] == (ocnt != 2'd0 ? nxt(last_o) : ps));
      end
      // RAM entries in the window: entries of the stream, in order, up to ws_q.
      for (int i = 0; i < D; i++) begin
        if (AW'(i) - ra < AW'(rcnt) || rcnt == (AW+1)'(D)) begin
          assert (match(dut.u_fifo.u_ram.mem[i], ghost.u_ram.mem[i]));
          if (AW'(i) == ra) assert (ghost.u_ram.mem[i][5:0] == ram_s0);
          else assert (ghost.u_ram.mem[i][5:0] == nxt(ghost.u_ram.mem[AW'(i) - AW'(1)]));
        end
      end
      fifo_tail: assert (ws_q == (rcnt != '0 ? nxt(ghost.u_ram.mem[last_a]) : ram_s0));
      // The read side's counters are those of the head's serial.
      read_side: assert (dut.rf_q == ps[4:3] + 2'(ps[2:0] != 3'd0) &&
                         (ps[2:0] == 3'd0 || (dut.rc_q == ps[4:3] && dut.nidx_q == ps[2:0] &&
                                              dut.nhdr_q == (ps[2:0] < 3'd4) &&
                                              dut.npl_q == (ps[2:0] >= 3'(HW)))));
      // (Between frames the finished record may be opened again: cf_q is not used there.)
      head_final: assert (ps[2:0] == 3'd0 || !dut.cf_q || dut.r_final[dut.rc_q]);
      out_fw_valid: assert (!out_fw || out_valid);
      // The write side and the protocol state.
      write_side: assert (dut.wf_q == opened[1:0] && (!any_q || dut.cur_w_q == cur[1:0]));
      flight: assert (ws_q - os_q <= 6'd24 && inflight <= 3'd3 && ws_q - ps <= ws_q - os_q &&
                      (any_q || (ws_q == '0 && os_q == '0)));
      if (!any_q)                               proto0: assert (fs_done_q && !fs_due_q && !have_pend_q);
      else if (widx >= 3'd1 && widx <= 3'd3)    proto1: assert (!fs_done_q && !fs_due_q);
      else                                      proto2: assert (fs_done_q != fs_due_q);
      // A frame waits at its word 4 until its strobe, and in store-and-forward until its
      // verdict: the head has not passed it.
      if (any_q && !fs_done_q) wait_fs: assert (cur - ps[5:3] < opened - ps[5:3] && (ps[5:3] != cur || ps[2:0] <= 3'd4));
      if (have_pend_q && !s_cut[pf_q]) begin
        wait_vd: assert (pf_q - ps[5:3] < opened - ps[5:3] && (ps[5:3] != pf_q || ps[2:0] <= 3'd4));
      end
      if (have_pend_q) begin
        pend: assert (dut.pend_q == pf_q[1:0] && dut.pend_cut_q == s_cut[pf_q] && s_pend[pf_q] && !s_vd[pf_q] &&
                      ((pf_q == cur && fs_done_q) || (pf_q == cur - 3'd1 && !fs_done_q)));
      end
    end
  end

  // Records of the frames in flight (the head's frame to the latest opened).
  for (genvar k = 0; k < 8; k++) begin : g_rec
    wire logic in_win = 3'(k) - ps[5:3] < opened - ps[5:3];
    wire logic seen   = (3'(k) != cur) || fs_done_q;
    always @(*) begin
      if (!rst && in_win) begin
        rec_final: assert (dut.r_final[k % 4] == (seen && (!s_pend[k] || s_cut[k] || s_vd[k])));
        rec_rel:   assert (dut.r_rel[k % 4] == (seen && ok_f(3'(k))));
        if (seen) rec_cut: assert (dut.r_cut[k % 4] == s_cut[k]);
        else      rec_nvd: assert (!s_vd[k]);
        if (seen && s_pend[k] && !(have_pend_q && pf_q == 3'(k))) rec_vd: assert (s_vd[k]);
      end
    end
  end

endmodule

`default_nettype wire
