// SPDX-License-Identifier: Apache-2.0
//
// physec_sec_rxbuf: the receiver's release gate and store-and-forward frame buffer
// (spec 6.4 policies, 10), between physec_sec_rx and physec_gmp_demap in physec_rx.
// It holds the receive stream (decrypted frame words and the aligner's side lanes,
// beat by beat) in a RAM FIFO and lets a frame's payload words go on only when the
// frame's release is decided:
//
//   store-and-forward (cut_through = 0, the reset default of RX_POLICY): when its
//       verdict is final, with the next frame's PAD (or at a loss of lock, or finish):
//       vd_*; or on arrival for a frame that is not pending (refused, or bypass where
//       allowed).  So a frame's data wait about one frame period.
//   cut-through (cut_through = 1): on arrival (fs_*), as the model's CUT_THROUGH.
//
// A frame not released leaves with out_drop = 1 and its payload words zeroed: the
// demapper puts ERROR_257B at its data slots (deframe's "not delivered"), and nothing of
// it leaves as data even to a consumer that ignored out_drop.  The same decision is
// what physec_rx reports as released.  Model: Deframer._flush (a usable frame waits
// while its verdict is pending under STORE_AND_FORWARD).
//
// Ports (rst: synchronous, active high; empties the buffer, forgets every frame):
//   cut_through   the policy, sampled per frame at its fs_valid.
//   in_valid      store this beat: in_fw (a frame word: physec_sec_rx out_valid),
//                 in_sof (its word 0), in_word[WORD_BITS-1:0] (physec_sec_rx out_word,
//                 bit WORD_BITS-1 first on the line), in_side[SIDE_W-1:0] (opaque lanes
//                 that travel with the beat: the aligner's AM flag, loss, virtual words).
//   fs_valid, fs_rec[FS_W-1:0], fs_pending, fs_release  physec_sec_rx's arrival
//                 strobe of the latest frame stored (after its word 3); fs_rec opaque.
//   vd_valid, vd_pass  physec_sec_rx's verdict of the pending frame.
//   out_valid, out_fw, out_sof, out_idx, out_word, out_side  the beats in order,
//                 registered; out_idx = the frame word's index (counted from out_sof).
//   out_unverified  the previous frame was not verified (physec_gmp_demap in_unverified):
//                 for the frame of the last frame word out, from its word 4 on, held.
//   out_drop, out_release  that frame is not / is released: from its word 4 on, held.
//   out_rec       its fs_rec, from its word 4 on, held.
//   level         beats stored; err_ovf: a beat was lost to a full buffer (sticky; DEPTH
//                 covers one frame plus the check latency, so a design error).
//
// Gate, per frame word at the head: words 0..3 go on at once; word 4 (the demapper
// decodes the JC and reports the frame after it) and the payload words once the
// frame's release is decided (which implies its fs_valid was seen).  Beats without a frame word (virtual words of a lost grid) go on at once;
// the FIFO keeps the order of everything.
//
// Capacity: in store-and-forward a frame's payload (WPF - HEADER_WORDS words) waits
// until the next frame's word 3 has been checked (3 clocks after it entered
// physec_sec_rx), so about WPF + 8 beats are stored; DEPTH >= WPF + 16 is checked at
// elaboration (4096 at 100g: 2570 frame words in 4096 x 282 bits, 4 URAM288 or 32 BRAM36).
// A loss of lock ends the pending verdict (spec 6.4), so virtual beats never wait.
// Latency: 2 clocks of FIFO plus the wait (cut-through: payload words none; word 4
// waits for fs_valid when it arrives first).

`default_nettype none

module physec_sec_rxbuf #(
  parameter int WORD_BITS       = physec_profile_pkg::WORD_BITS,
  parameter int WORDS_PER_FRAME = physec_profile_pkg::WORDS_PER_FRAME,
  parameter int HEADER_WORDS    = physec_profile_pkg::HEADER_WORDS,
  parameter int SIDE_W          = 1,
  parameter int FS_W            = 1,
  parameter int DEPTH           = 4096,
  localparam int IDXW = $clog2(WORDS_PER_FRAME),
  localparam int LW   = $clog2(DEPTH + 4)
) (
  input  wire logic                 clk,
  input  wire logic                 rst,
  input  wire logic                 cut_through,
  input  wire logic                 in_valid,
  input  wire logic                 in_fw,
  input  wire logic                 in_sof,
  input  wire logic [WORD_BITS-1:0] in_word,
  input  wire logic [SIDE_W-1:0]    in_side,
  input  wire logic                 fs_valid,
  input  wire logic [FS_W-1:0]      fs_rec,
  input  wire logic                 fs_pending,
  input  wire logic                 fs_release,
  input  wire logic                 vd_valid,
  input  wire logic                 vd_pass,
  output logic                      out_valid,
  output logic                      out_fw,
  output logic                      out_sof,
  output logic [IDXW-1:0]           out_idx,
  output logic [WORD_BITS-1:0]      out_word,
  output logic [SIDE_W-1:0]         out_side,
  output logic                      out_unverified,
  output logic                      out_drop,
  output logic                      out_release,
  output logic [FS_W-1:0]           out_rec,
  output logic [LW-1:0]             level,
  output logic                      err_ovf
);

  if (HEADER_WORDS < 5 || WORDS_PER_FRAME < HEADER_WORDS + 2 || DEPTH < WORDS_PER_FRAME + 16 ||
      SIDE_W < 1 || FS_W < 1) begin : g_bad_params
`ifdef __ICARUS__
    initial $fatal(1, "physec_sec_rxbuf: need HEADER_WORDS >= 5, WORDS_PER_FRAME >= HEADER_WORDS + 2, DEPTH >= WORDS_PER_FRAME + 16");
`else
    $fatal(1, "physec_sec_rxbuf: need HEADER_WORDS >= 5, WORDS_PER_FRAME >= HEADER_WORDS + 2, DEPTH >= WORDS_PER_FRAME + 16");
`endif
  end

  localparam int EW = 2 + SIDE_W + WORD_BITS;     // {fw, sof, side, word}
  localparam int NR = 4;                          // frame records: at most 3 in flight

  // ---- Frame records, by frame number mod NR (write side opens, read side reads).
  logic              r_final  [NR];   // release decided (implies its fs_valid was seen)
  logic              r_rel    [NR];   // released
  logic              r_unv    [NR];   // its previous frame was not verified
  logic              r_cut    [NR];   // policy at its fs_valid
  logic [FS_W-1:0]   r_fs     [NR];
  logic [1:0]        wf_q;            // record of the next frame stored
  logic [1:0]        cur_w_q;         // record of the latest frame stored
  logic [1:0]        pend_q;          // record of the frame waiting for its verdict
  logic              pend_cut_q;      // r_cut[pend_q], kept apart: the verdict's fan-in
  logic              own_ok_q;        // the latest frame was released without a verdict to wait for

  wire logic open = in_valid && in_fw && in_sof;

  // Open, then verdict, then arrival: the last one wins.
  always_ff @(posedge clk) begin
    for (int i = 0; i < NR; i++) begin
      if (open && wf_q == 2'(i))        r_final[i] <= 1'b0;
      // Cut-through released the frame on arrival; store-and-forward decides it now.
      if (vd_valid && pend_q == 2'(i))  r_final[i] <= 1'b1;
      if (fs_valid && cur_w_q == 2'(i)) r_final[i] <= !fs_pending || cut_through;
      if (rst)                          r_final[i] <= 1'b0;
    end
  end

  always_ff @(posedge clk) begin
    if (rst) begin
      wf_q     <= '0;
      cur_w_q  <= '0;
      pend_q   <= '0;
      pend_cut_q <= 1'b0;
      own_ok_q <= 1'b0;
      for (int i = 0; i < NR; i++) begin
        r_rel[i]   <= 1'b0;
        r_unv[i]   <= 1'b1;
        r_cut[i]   <= 1'b0;
      end
    end else begin
      if (open) begin
        wf_q             <= wf_q + 2'd1;
        cur_w_q          <= wf_q;
        r_rel[wf_q]      <= 1'b0;
      end
      if (vd_valid) begin
        // Store-and-forward releases the frame now or never.
        if (!pend_cut_q) r_rel[pend_q] <= vd_pass;
      end
      if (fs_valid) begin
        r_cut[cur_w_q]   <= cut_through;
        r_fs[cur_w_q]    <= fs_rec;
        // Verified previous frame (spec 10, Cm' trust): its verdict now if it was pending
        // (vd in this clock), else what its own arrival said.
        r_unv[cur_w_q]   <= !(vd_valid ? vd_pass : own_ok_q);
        r_rel[cur_w_q]   <= fs_release && (!fs_pending || cut_through);
        own_ok_q         <= fs_release && !fs_pending;
        if (fs_pending) begin
          pend_q     <= cur_w_q;
          pend_cut_q <= cut_through;
        end
      end
    end
  end

  // ---- The FIFO.
  logic          h_valid;
  logic [EW-1:0] h_data;
  logic          h_pop;

  physec_fifo_ram #(.W(EW), .DEPTH(DEPTH)) u_fifo (
    .clk     (clk),
    .rst     (rst),
    .wr_en   (in_valid),
    .wr_data ({in_fw, in_sof, in_side, in_word}),
    .rd_valid(h_valid),
    .rd_data (h_data),
    .rd_en   (h_pop),
    .level   (level),
    .err_ovf (err_ovf)
  );

  wire logic                 h_fw   = h_data[EW-1];
  wire logic                 h_sof  = h_data[EW-2];
  wire logic [SIDE_W-1:0]    h_side = h_data[WORD_BITS +: SIDE_W];
  wire logic [WORD_BITS-1:0] h_word = h_data[WORD_BITS-1:0];

  // ---- Read side: the frame and word index of the head.  The index of the next word,
  // its comparisons and the head frame's r_final are registered, so the pop decision
  // (which steers the FIFO's output registers) is one LUT of flip-flops.
  logic [1:0]      rf_q;              // record of the next frame read
  logic [1:0]      rc_q;              // record of the frame being read
  logic [IDXW-1:0] nidx_q;            // index of the next frame word, unless it starts a frame
  logic            nhdr_q;            // nidx_q < 4: words that go on at once
  logic            npl_q;             // nidx_q >= HEADER_WORDS: a payload word
  logic            cf_q;              // r_final[rc_q] of the clock before
  wire logic [1:0]      h_rec = h_sof ? rf_q : rc_q;
  wire logic [IDXW-1:0] h_idx = h_sof ? '0 : nidx_q;
  wire logic            h_pl  = !h_sof && npl_q;
  // (A word 0 goes on at once, so the record that can hold the head is rc_q's.)
  wire logic            go    = !h_fw || h_sof || nhdr_q || cf_q;
  wire logic            sof_pop = h_valid && h_fw && h_sof;
  assign h_pop = h_valid && go;

  // One clock late, which only delays a release: a record's r_final rises once between
  // its open and its last word's read, and its open is written into the FIFO clocks
  // before its word 0 can be read.
  always_ff @(posedge clk) begin
    if (rst) cf_q <= 1'b0;
    else     cf_q <= r_final[sof_pop ? rf_q : rc_q];
  end

  always_ff @(posedge clk) begin
    if (rst) begin
      rf_q      <= '0;
      rc_q      <= '0;
      nidx_q    <= '0;
      nhdr_q    <= 1'b1;
      npl_q     <= 1'b0;
      out_valid <= 1'b0;
      out_fw    <= 1'b0;
      out_sof   <= 1'b0;
    end else begin
      out_valid <= h_pop;
      out_fw    <= h_pop && h_fw;
      out_sof   <= h_pop && h_fw && h_sof;
      if (h_pop && h_fw) begin
        nidx_q <= h_idx + IDXW'(1);
        nhdr_q <= h_idx < IDXW'(3);
        npl_q  <= h_idx >= IDXW'(HEADER_WORDS - 1);
        if (sof_pop) begin
          rc_q <= rf_q;
          rf_q <= rf_q + 2'd1;
        end
      end
    end
  end

  // Data (qualified by out_valid) and the held per-frame outputs (reset to "not released").
  always_ff @(posedge clk) begin
    if (h_pop) begin
      out_idx  <= h_idx;
      out_side <= h_side;
      // A payload word of a frame not released carries nothing (fail closed).
      out_word <= (h_fw && h_pl && !r_rel[h_rec]) ? '0 : h_word;
    end
    if (rst) begin
      out_unverified <= 1'b1;
      out_rec        <= '0;
      out_drop       <= 1'b1;
      out_release    <= 1'b0;
    end else if (h_pop) begin
      if (h_fw && !h_sof && !nhdr_q) begin
        out_unverified <= r_unv[h_rec];
        out_rec        <= r_fs[h_rec];
        out_drop       <= !r_rel[h_rec];
        out_release    <= r_rel[h_rec];
      end
    end
  end

`ifndef SYNTHESIS
  // ---- Simulation checks (tb/assertions proves each one fires).  sa_open: frames whose
  // record is in use (opened, last word not yet read).
  int sa_open;
  always @(posedge clk) begin
    if (rst) sa_open <= 0;
    else     sa_open <= sa_open + int'(open) - int'(h_pop && h_fw && h_idx == IDXW'(WORDS_PER_FRAME - 1));
    if (!rst && err_ovf)
      $error("physec_sec_rxbuf: a beat was lost to a full buffer (level %0d, depth %0d)", level, DEPTH);
    if (!rst && open && sa_open >= NR)
      $error("physec_sec_rxbuf: more than %0d frames in flight", NR);
    if (!rst && h_pop && h_fw && h_pl && !r_cut[h_rec] && r_rel[h_rec] && !r_final[h_rec])
      $error("physec_sec_rxbuf: store-and-forward released a payload word before its verdict");
  end
`endif

endmodule

`default_nettype wire
