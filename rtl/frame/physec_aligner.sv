// SPDX-License-Identifier: Apache-2.0
//
// physec_aligner: AM search, lock and frame alignment of a raw line (spec 5.5).
// Together with physec_gmp_demap this module = the model's physec.frame.deframe:
// the search / lock / loss part, the lost-frame ticks and the lost frames' grid are
// here.
//
// Ports (rst: synchronous, active high; clears all state):
//   line_valid, line_word[WORD_BITS-1:0]  raw line words at any bit offset,
//                 line_word[WORD_BITS-1] first transmitted.  Words without line_valid
//                 do not exist for the receiver (the line simply pauses).
//   fw_valid, fw_word[WORD_BITS-1:0], fw_idx  frame word fw_idx (0..WORDS_PER_FRAME-1)
//                 of a processed frame: frame bits [WORD_BITS*fw_idx, +WORD_BITS), the
//                 first of them in fw_word[WORD_BITS-1].  Every processed frame comes
//                 out whole, words 0, 1, .. in order (the frame at which lock is lost is
//                 not processed and does not come out at all).
//   fw_am_good    the AM of the frame fw_word belongs to matched exactly.
//   vw_valid, vw_idx, vw_lim[$clog2(WORD_BITS+1)-1:0]  virtual frame word vw_idx
//                 of the lost frames' grid (no data), in the same pipeline position as
//                 the fw_* word of the same line word: from the loss frame's word 0 to
//                 the last word with a bit before the new frame's first payload bit
//                 q' + H; only the first vw_lim (1..WORD_BITS) bits of a word lie
//                 before q' + H (fewer than WORD_BITS at most in that last word).
//   locked        1 from the lock decision to the loss decision.
//   ev_lock, ev_loss   one-clock pulses: lock gained (first processed frame starts) /
//                 lost (at the LOCK_BAD-th consecutive bad AM).
//   ev_am_bad     one-clock pulse per bad AM at a frame position while locked,
//                 including the one that loses lock (the model's counter am_bad).
//   lost_tick     one-clock pulse per lost frame (the model's lost_frames), see below.
//
// Parameters: HEADER_WORDS (H = HEADER_WORDS * WORD_BITS) only sets where the virtual
// grid ends; all others as in physec_profile_pkg.
//
// Pipeline: the window moves on valid words ("beats"); the stages after it flow,
// each with a valid bit, so a pause costs nothing but the pause.
//   win  the last NW line words; start-word S = the oldest: its WORD_BITS start
//        offsets o are the AM candidates x = WORD_BITS*S + o.
//   eq   per offset: whole AM equal (W compares of AM_BITS bits), registered.
//   m    the per-candidate/grid selects and the first half of the find-first
//        encoders, registered.
//   dec  search, lock and frame-grid state machine; emits frame word fw_idx of the
//        frame whose start-word is S (its bits lie in words S, S+1 of the window),
//        and the virtual word vw_idx of the old grid.  The encoders' second half runs
//        beside it; the candidate it finds is opened a clock later (see dec).
//   out  barrel shift of those two words by the grid offset.
// TIMING (syn/notes.md, "Aligner"): every stage is at most 4 LUT6 levels at 100g
// (412.7 MHz): the compare (a 480-bit AND tree), the 256:1 selects, each half of the
// encoders, the state machine (its lock decision reads registered per-candidate flags
// and one-hot selects registered values; no adder or compare between its registers
// is wider than the frame word index) and the shift (four 4:1 levels).
//
// Search (model: find_am from the cursor, confirm, restart at p + 1).  The model
// locks at the smallest match position c >= cursor whose next LOCK_GOOD - 1 AMs at
// frame spacing also match.  Chains complete in the order of their c, so streaming
// that rule is: every match >= cursor opens a candidate, a candidate dies at its first
// missing AM, and the first candidate whose chain completes wins.  Exact as long as
// at most NCAND candidates live at once (normally 1; 2 when the line slips during a
// search; more only with AM patterns in the payload, and a match that finds the table
// full is ignored) and no two matches share a start-word (only the first is opened;
// the 100g AM cannot match twice within 479 bits).
//
// Lost frames (spec 5.5; model: the block under `if last is not None:`).  With q the
// last processed frame before a loss (the loss frame is at q + F) and q' the first
// frame after relock:
//   * virtual grid: from the loss frame on, the old frame grid keeps running as
//     "virtual" frame words vw_idx (no data) on the vw_* lane, until the new frame's
//     first payload bit q' + H.  physec_gmp_demap runs the slot accumulator over them
//     with Cm' and emits ERROR_257B at each virtual data slot that ends before q' + H,
//     as it passes: the model's floor(D/F) Cm' + floor(k Cm' / Pm) blocks, never more
//     than one per clock, no lookahead.  The relock decision is taken at the line
//     word holding q', HEADER_WORDS words before the one holding q' + H, so the end
//     of the grid is known in time: from then on vrem counts the virtual bits left
//     before q' + H, and vw_lim = min(vrem, WORD_BITS).  The virtual grid and the new
//     frame overlap for up to HEADER_WORDS + 1 words (the new frame's header and, when
//     the new grid's offset is the larger, its first payload word, in which no slot
//     ends), hence a separate lane.
//   * ticks: lost_tick pulses at each q + kF + F/2 (k >= 1) as it passes (for the
//     counter), the one in the relock beat only if it is at or before q'.  The model
//     counts them at relock; the sums agree whenever the stream relocks.

`default_nettype none

module physec_aligner #(
  parameter int WORD_BITS       = physec_profile_pkg::WORD_BITS,
  parameter int WORDS_PER_FRAME = physec_profile_pkg::WORDS_PER_FRAME,
  parameter int AM_BITS         = physec_profile_pkg::AM_BITS,
  parameter int HEADER_WORDS    = physec_profile_pkg::HEADER_WORDS,
  parameter int LOCK_GOOD       = physec_profile_pkg::LOCK_GOOD,
  parameter int LOCK_BAD        = physec_profile_pkg::LOCK_BAD,
  parameter logic [AM_BITS-1:0] AM_LINE = physec_profile_pkg::AM_LINE,
  parameter int NCAND           = 4,      // search candidates tracked at once
  localparam int IDXW = $clog2(WORDS_PER_FRAME),
  localparam int OFFW = $clog2(WORD_BITS),
  localparam int LIMW = $clog2(WORD_BITS + 1)
) (
  input  wire logic                 clk,
  input  wire logic                 rst,
  input  wire logic                 line_valid,
  input  wire logic [WORD_BITS-1:0] line_word,
  output logic                      fw_valid,
  output logic [WORD_BITS-1:0]      fw_word,
  output logic [IDXW-1:0]           fw_idx,
  output logic                      fw_am_good,
  output logic                      vw_valid,
  output logic [IDXW-1:0]           vw_idx,
  output logic [LIMW-1:0]           vw_lim,
  output logic                      locked,
  output logic                      ev_lock,
  output logic                      ev_loss,
  output logic                      ev_am_bad,
  output logic                      lost_tick
);

  localparam int W   = WORD_BITS;
  localparam int WPF = WORDS_PER_FRAME;
  // Words holding an AM that starts at any of the W offsets of the oldest one.
  localparam int NWIN = (AM_BITS + 2 * W - 2) / W;
  localparam int NW   = (NWIN < 2) ? 2 : NWIN;
  // Tick position: F/2 bits after a grid frame start (same offset when WPF is even).
  localparam int HALF_BITS  = WPF * W / 2;
  localparam int HALF_WORDS = HALF_BITS / W;
  localparam int HALF_REM   = HALF_BITS % W;
  localparam int CW   = $clog2(LOCK_GOOD + 1);   // confirmations: 0..LOCK_GOOD
  localparam int FILW = $clog2(NW + 1);
  localparam int CIW  = (NCAND > 1) ? $clog2(NCAND) : 1;
  localparam int REMW = $clog2((HEADER_WORDS + 1) * W);   // virtual bits left after relock

  if (W < 2 || WPF < 4 || AM_BITS < 1 || AM_BITS > WPF * W || HEADER_WORDS < 2 ||
      HEADER_WORDS + 2 > WPF || LOCK_GOOD < 2 || LOCK_BAD < 1 || NCAND < LOCK_GOOD - 1) begin : g_bad_params
`ifdef __ICARUS__
    initial $fatal(1, "physec_aligner: illegal parameters (need WORD_BITS >= 2, WORDS_PER_FRAME >= 4, 1 <= AM_BITS <= frame, 2 <= HEADER_WORDS <= WORDS_PER_FRAME - 2, LOCK_GOOD >= 2 (a match is confirmed one frame later), LOCK_BAD >= 1, NCAND >= LOCK_GOOD - 1)");
`else
    $fatal(1, "physec_aligner: illegal parameters (need WORD_BITS >= 2, WORDS_PER_FRAME >= 4, 1 <= AM_BITS <= frame, 2 <= HEADER_WORDS <= WORDS_PER_FRAME - 2, LOCK_GOOD >= 2 (a match is confirmed one frame later), LOCK_BAD >= 1, NCAND >= LOCK_GOOD - 1)");
`endif
  end

  // ---------------------------------------------------------------- win: the last NW words
  logic [NW*W-1:0] win_q;            // oldest word (the start-word) in the top W bits
  logic [FILW-1:0] fill_q;           // words received, saturating at NW - 1
  logic            v0_q;             // win_q holds NW real words and just moved

  always_ff @(posedge clk) begin
    if (rst) begin
      fill_q <= '0;
      v0_q   <= 1'b0;
    end else begin
      v0_q <= line_valid && (int'(fill_q) == NW - 1);
      if (line_valid && int'(fill_q) < NW - 1) fill_q <= fill_q + 1'b1;
    end
  end

  always_ff @(posedge clk) begin
    if (line_valid) win_q <= {win_q[(NW-1)*W-1:0], line_word};
  end

  // ---------------------------------------------------------------- eq: AM compares
  // m_q[o]: the whole AM matches at offset o of the start-word.  One 480-bit compare
  // with a constant is a 6-ary AND tree of 4 LUT6 levels (6^3 < 480 <= 6^4), so the
  // match needs no second AND stage.
  logic [W-1:0]   m_d, m_q;
  logic [2*W-1:0] hi1_q;             // start-word and the next: the frame word's bits
  logic           v1_q;

  for (genvar o = 0; o < W; o++) begin : g_off
    assign m_d[o] = win_q[NW*W-1-o -: AM_BITS] == AM_LINE;
  end

  // While locked the dec stage reads the matches only for frame word 0 (grid_hit_q,
  // the loss beat's allocation): m_q and the m stage's registers hold still elsewhere
  // (eq_en, m_en_q), which saves their toggling in hardware and their evaluation in a
  // cycle-based simulator (docs/performance.md, seventh pass).  m_q takes start-word
  // x's window one clock after the window moved; the dec stage is then deciding x - 2,
  // x - 1 or (the line paused) already waiting for x, so fidx_q is idx(x) - 2 ..
  // idx(x), and a window of WPF - 3 .. 2 covers idx(x) = 0 with a word of room either
  // side, also for the words after a loss (at idx 0; locked_q is 0 from then on).
  // WPF - 2 .. 0 is the least that passes the chain sets; WPF - 1 .. 0 fails all of them.
  logic            locked_q;           // dec state
  logic [IDXW-1:0] fidx_q;             // dec state
  logic            eq_en, m_en_q;
  assign eq_en = !locked_q || int'(fidx_q) >= WPF - 3 || int'(fidx_q) <= 2;

  always_ff @(posedge clk) begin
    if (eq_en) m_q <= m_d;
    m_en_q <= eq_en;
    hi1_q  <= win_q[NW*W-1 -: 2*W];
  end

  // ---------------------------------------------------------------- m: selects, encoders
  // State of the dec stage used here (grid offset, candidate offsets) changes at least
  // WORDS_PER_FRAME - 2 beats before it is next looked at, so reading it one stage early
  // is safe.
  logic [OFFW-1:0]       grid_off_q;              // dec state: offset of the frame grid
  logic [NCAND-1:0][OFFW-1:0] c_off_q;            // dec state: candidate offsets

  logic [W-1:0]    after_mask_q;                  // offsets after the grid offset
  logic [W-1:0]    m_after;                       // matches after the grid offset
  logic [NCAND-1:0] c_hit_d;

  // The mask (a thermometer code of grid_off_q) is registered, so it lags grid_off_q by
  // one clock.  It only matters in the loss beat's allocation: word 0 of a frame of the
  // locked grid, so at least WPF >= 4 clocks after the lock clock that set grid_off_q
  // (only a lock changes it).  The encoder registers it reads were formed from the mask
  // of at least 1 clock earlier, which was formed from grid_off_q of 2 clocks earlier:
  // already the new one.  So every output equals that of the unregistered mask
  // {W{1}} << (grid_off_q + 1), written here as (ones << 1) << grid_off_q: bit 0 stays
  // a constant 0 and the shift amount OFFW bits wide (fewest LUTs of the forms tried).
  always_ff @(posedge clk) after_mask_q <= ({W{1'b1}} << 1) << grid_off_q;
  assign m_after = m_q & after_mask_q;

  // Find-first encoders over m_q (first_*) and m_after (after_*): {found, smallest o
  // with v[o]} as a tree of OFFW levels of 2:1 choices (a priority loop over the W
  // offsets would be a W-step chain).  Node i of level s covers offsets
  // [i * 2^s, (i + 1) * 2^s) and holds {found, first offset within it} (0 when none);
  // v is padded to NP bits with zeros.  The tree is cut by registers at level FF_CUT
  // (m stage: levels 1 .. FF_CUT; dec clock: the rest, registered at its end as
  // ff_*_q): one clock of the tree is 4 LUT6 levels at 256 offsets, the whole tree in
  // one clock 6 or more.  Only the search's allocation reads the result, and it takes
  // effect a clock after its beat (below), so the cut costs no latency.  Nets rather
  // than a function with loops: the same gates, but a cycle-based simulator would run
  // the loops every clock.
  localparam int NP     = 1 << OFFW;
  localparam int FF_CUT = (OFFW + 1) / 2;
  wire logic [NP-1:0] ff_in [2];
  logic              alloc_req_d;                 // dec: this beat's allocation request
  assign ff_in[0] = NP'(m_q);
  assign ff_in[1] = NP'(m_after);
  for (genvar k = 0; k < 2; k++) begin : g_ff
    for (genvar s = 0; s <= OFFW; s++) begin : g_lvl
      for (genvar i = 0; i < (NP >> s); i++) begin : g_n
        wire logic            found;
        wire logic [OFFW-1:0] off;
        if (s == 0) begin : g_leaf
          assign found = ff_in[k][i];
          assign off   = '0;
        end else begin : g_pick
          wire logic lo = g_lvl[s-1].g_n[2*i].found;
          wire logic hi = g_lvl[s-1].g_n[2*i+1].found;
          wire logic            found_c = lo | hi;
          wire logic [OFFW-1:0] off_c = lo ? g_lvl[s-1].g_n[2*i].off
                                     : {OFFW{hi}} & (g_lvl[s-1].g_n[2*i+1].off | OFFW'(1 << (s - 1)));
          if (s == FF_CUT) begin : g_cut
            // Offset within the node: the bits above FF_CUT are constant 0 (synthesis
            // drops their registers).
            logic            found_q;
            logic [OFFW-1:0] off_q;
            always_ff @(posedge clk) if (m_en_q) {found_q, off_q} <= {found_c, off_c};
            assign found = found_q;
            assign off   = off_q;
          end else begin : g_comb
            assign found = found_c;
            assign off   = off_c;
          end
        end
      end
    end
  end
  for (genvar i = 0; i < NCAND; i++) begin : g_chit
    assign c_hit_d[i] = m_q[c_off_q[i]];
  end

  logic             v2_q, grid_hit_q;
  logic [NCAND-1:0] c_hit_q;
  logic [2*W-1:0]   hi2_q;
  logic             ff_first_any_q, ff_after_any_q;  // encoder results of the request's beat
  logic [OFFW-1:0]  ff_first_off_q, ff_after_off_q;

  always_ff @(posedge clk) begin
    if (rst) begin
      v1_q <= 1'b0;
      v2_q <= 1'b0;
    end else begin
      v1_q <= v0_q;
      v2_q <= v1_q;
    end
    if (m_en_q) begin
      grid_hit_q  <= m_q[grid_off_q];
      c_hit_q     <= c_hit_d;
    end
    hi2_q       <= hi1_q;
    // The m-stage registers change every clock (when enabled), so the second half of
    // the tree is taken in the clock of the beat that asks for it.
    if (alloc_req_d) begin
      {ff_first_any_q, ff_first_off_q} <= {g_ff[0].g_lvl[OFFW].g_n[0].found,
                                           g_ff[0].g_lvl[OFFW].g_n[0].off};
      {ff_after_any_q, ff_after_off_q} <= {g_ff[1].g_lvl[OFFW].g_n[0].found,
                                           g_ff[1].g_lvl[OFFW].g_n[0].off};
    end
  end

  // ---------------------------------------------------------------- dec: state machine
  // Frame grid (locked): fidx = frame word index of the current start-word on the
  // grid at offset grid_off.  Candidate i: live, offset, beats to its next AM (cd; zero:
  // cd == 0), AMs matched so far (cnt; fin: cnt == LOCK_GOOD - 1, so a match completes
  // the chain), and two figures fixed at its opening for the relock it may cause (vr:
  // vrem at that relock; tk: the tick of the relock beat lies after q').  Virtual grid
  // (from a loss to the new frame's payload): vidx = the old grid's frame word index of
  // the start-word (the old offset stays in grid_off until the relock); outage = lost
  // and not yet relocked; vwin = relocked, vrem virtual bits (from the start-word's
  // virtual word on) left before q' + H.
  //
  // Timing: a beat's lock decision reads only registered per-candidate flags and the
  // hits (done[i] = live & zero & fin & hit, at most one candidate per beat: each
  // beat opens at most one and they advance in step, so two that check together were
  // opened in the same beat), and the new grid offset, vrem and the tick are one-hot
  // selects of registered values.  A candidate is opened (allocated) a clock after the
  // beat that asks for it (alloc_req_q), when the encoder has finished: its first AM is
  // a frame later, and the free slots are those after the beat (c_live_q then), so the
  // search is the same as opening it in the beat; a lock in the next beat clears it as
  // it would have cleared the one opened in the beat.
  logic                  outage_q, vwin_q, am_good_q;
  logic [IDXW-1:0]       vidx_q, tick_idx_q;
  logic [OFFW-1:0]       tick_off_q;
  logic [REMW-1:0]       vrem_q;
  logic [$clog2(LOCK_BAD+1)-1:0] bad_q;
  logic                  alloc_req_q, alloc_after_q;   // allocation asked by the last beat
  logic [NCAND-1:0]      c_live_q, c_zero_q, c_fin_q, c_tk_q;
  logic [NCAND-1:0][IDXW-1:0] c_cd_q;
  logic [NCAND-1:0][CW-1:0]   c_cnt_q;
  logic [NCAND-1:0][REMW-1:0] c_vr_q;

  logic                  locked_d, outage_d, vwin_d, am_good_d;
  logic [IDXW-1:0]       fidx_d, vidx_d, tick_idx_d;
  logic [OFFW-1:0]       grid_off_d, tick_off_d;
  logic [REMW-1:0]       vrem_d;
  logic [$clog2(LOCK_BAD+1)-1:0] bad_d;
  logic                  alloc_after_d;
  logic [NCAND-1:0]      c_live_d, c_zero_d, c_fin_d, c_tk_d, c_done;
  logic [NCAND-1:0][OFFW-1:0] c_off_d;
  logic [NCAND-1:0][IDXW-1:0] c_cd_d;
  logic [NCAND-1:0][CW-1:0]   c_cnt_d;
  logic [NCAND-1:0][REMW-1:0] c_vr_d;
  logic                  emit_d, emit_good_d, lock_d, loss_d, am_bad_d, tick_d;
  logic [OFFW-1:0]       emit_off_d;
  logic [IDXW-1:0]       emit_idx_d;
  logic                  vemit_d;
  logic [IDXW-1:0]       vemit_idx_d;
  logic [LIMW-1:0]       vemit_lim_d;

  function automatic logic [IDXW-1:0] idx_next(input logic [IDXW-1:0] i);
    return (int'(i) == WPF - 1) ? '0 : i + 1'b1;
  endfunction

  always_comb begin
    logic            done_any, free_any, tick_late;
    logic [CIW-1:0]  free_i;
    logic            alloc_any;
    logic [OFFW-1:0] alloc_off, lock_off;
    logic [REMW-1:0] lock_vr;
    int              tsum;

    locked_d = locked_q;   outage_d = outage_q;  vwin_d = vwin_q;   am_good_d = am_good_q;
    fidx_d = fidx_q;       vidx_d = vidx_q;      tick_idx_d = tick_idx_q; tick_off_d = tick_off_q;
    grid_off_d = grid_off_q; vrem_d = vrem_q;    bad_d = bad_q;
    c_live_d = c_live_q;   c_off_d = c_off_q;    c_cd_d = c_cd_q;   c_cnt_d = c_cnt_q;
    c_zero_d = c_zero_q;   c_fin_d = c_fin_q;    c_vr_d = c_vr_q;   c_tk_d = c_tk_q;
    c_done = '0;
    emit_d = 1'b0;         emit_good_d = am_good_q; emit_off_d = grid_off_q;
    emit_idx_d = fidx_q;   lock_d = 1'b0;        loss_d = 1'b0;     am_bad_d = 1'b0;
    tick_d = 1'b0;
    vemit_d = 1'b0;        vemit_idx_d = vidx_q; vemit_lim_d = LIMW'(W);
    alloc_req_d = 1'b0;    alloc_after_d = 1'b0;
    done_any = 1'b0;       free_any = 1'b0;      free_i = '0;
    lock_off = '0;         lock_vr = '0;         tick_late = 1'b0;
    tsum = 0;

    if (v2_q && locked_q) begin
      fidx_d = idx_next(fidx_q);
      emit_d = 1'b1;
      if (fidx_q == '0) begin
        am_bad_d    = !grid_hit_q;
        am_good_d   = grid_hit_q;
        emit_good_d = grid_hit_q;
        bad_d       = grid_hit_q ? '0 : bad_q + 1'b1;
        if (!grid_hit_q && int'(bad_q) + 1 >= LOCK_BAD) begin
          // Loss: this frame is not processed; search from one bit after its start.
          // The virtual grid starts with it (virtual word 0 now).
          emit_d        = 1'b0;
          loss_d        = 1'b1;
          locked_d      = 1'b0;
          outage_d      = 1'b1;
          vemit_d       = 1'b1;
          vemit_idx_d   = '0;
          vidx_d        = idx_next('0);
          tsum          = int'(grid_off_q) + HALF_REM;
          tick_off_d    = OFFW'((tsum >= W) ? tsum - W : tsum);
          tick_idx_d    = IDXW'((tsum >= W) ? HALF_WORDS + 1 : HALF_WORDS);
          alloc_req_d   = 1'b1;
          alloc_after_d = 1'b1;
        end
      end
    end else if (v2_q) begin
      for (int i = 0; i < NCAND; i++) begin
        if (c_live_q[i]) begin
          if (c_zero_q[i]) begin
            c_cd_d[i]   = IDXW'(WPF - 1);
            c_zero_d[i] = 1'b0;
            c_cnt_d[i]  = c_cnt_q[i] + 1'b1;
            c_fin_d[i]  = int'(c_cnt_q[i]) + 2 == LOCK_GOOD;
            if (!c_hit_q[i]) c_live_d[i] = 1'b0;
            else if (c_fin_q[i]) c_done[i] = 1'b1;
          end else begin
            c_cd_d[i]   = c_cd_q[i] - 1'b1;
            c_zero_d[i] = int'(c_cd_q[i]) == 1;
          end
        end
      end
      done_any = |c_done;
      for (int i = 0; i < NCAND; i++) begin
        lock_off  |= {OFFW{c_done[i]}} & c_off_q[i];
        lock_vr   |= {REMW{c_done[i]}} & c_vr_q[i];
        tick_late |= c_done[i] & c_tk_q[i];
      end
      if (done_any) begin
        // Lock: the frame whose AM completed the chain is the first one processed.
        lock_d      = 1'b1;
        locked_d    = 1'b1;
        outage_d    = 1'b0;
        grid_off_d  = lock_off;
        fidx_d      = IDXW'(1);
        bad_d       = '0;
        am_good_d   = 1'b1;
        emit_d      = 1'b1;
        emit_good_d = 1'b1;
        emit_off_d  = lock_off;
        emit_idx_d  = '0;
        c_live_d    = '0;
      end else begin
        alloc_req_d = 1'b1;
      end
      if (outage_q) begin
        // Virtual word of this beat, and the tick in it (counted if at or before q').
        vemit_d = 1'b1;
        vidx_d  = idx_next(vidx_q);
        tick_d  = vidx_q == tick_idx_q && !tick_late;
        if (done_any) begin
          vwin_d = 1'b1;
          vrem_d = lock_vr;
        end
      end
    end

    // After the relock: the virtual words up to q' + H (the last one or two cut).
    if (v2_q && vwin_q) begin
      vemit_d     = 1'b1;
      vidx_d      = idx_next(vidx_q);
      vemit_lim_d = (int'(vrem_q) < W) ? LIMW'(vrem_q) : LIMW'(W);
      vrem_d      = (int'(vrem_q) <= W) ? '0 : vrem_q - REMW'(W);
      vwin_d      = int'(vrem_q) > W;
    end

    // Open a candidate at the first new match of the last beat (a search beat, or the
    // loss beat: the first match after the grid offset), unless this beat locks.
    alloc_any = alloc_after_q ? ff_after_any_q : ff_first_any_q;
    alloc_off = alloc_after_q ? ff_after_off_q : ff_first_off_q;
    if (alloc_req_q && alloc_any && !done_any) begin
      for (int i = NCAND - 1; i >= 0; i--) begin
        if (!c_live_q[i]) begin
          free_any = 1'b1;
          free_i   = CIW'(i);
        end
      end
      if (free_any) begin
        c_live_d[free_i] = 1'b1;
        c_off_d[free_i]  = alloc_off;
        // It would have counted this beat down already.
        c_cd_d[free_i]   = IDXW'(v2_q ? WPF - 2 : WPF - 1);
        c_zero_d[free_i] = 1'b0;
        c_cnt_d[free_i]  = CW'(1);
        c_fin_d[free_i]  = LOCK_GOOD == 2;
        // At its relock q' = its start-word + its offset; the virtual word starts at
        // + grid_off (the old grid's, which holds until a lock); vrem = q' + H - that.
        c_vr_d[free_i]   = REMW'(HEADER_WORDS * W - W + int'(alloc_off) - int'(grid_off_q));
        c_tk_d[free_i]   = tick_off_q > alloc_off;
      end
    end
  end

  always_ff @(posedge clk) begin
    if (rst) begin
      locked_q <= 1'b0;  outage_q <= 1'b0;  vwin_q <= 1'b0;    am_good_q <= 1'b0;
      fidx_q <= '0;      vidx_q <= '0;      tick_idx_q <= '0;  tick_off_q <= '0;
      grid_off_q <= '0;  vrem_q <= '0;      bad_q <= '0;
      alloc_req_q <= 1'b0;  alloc_after_q <= 1'b0;
      c_live_q <= '0;    c_off_q <= '0;     c_cd_q <= '0;      c_cnt_q <= '0;
      c_zero_q <= '0;    c_fin_q <= '0;     c_vr_q <= '0;      c_tk_q <= '0;
    end else begin
      locked_q <= locked_d;  outage_q <= outage_d;  vwin_q <= vwin_d;  am_good_q <= am_good_d;
      fidx_q <= fidx_d;      vidx_q <= vidx_d;      tick_idx_q <= tick_idx_d;
      tick_off_q <= tick_off_d;  grid_off_q <= grid_off_d;  vrem_q <= vrem_d;  bad_q <= bad_d;
      alloc_req_q <= alloc_req_d;  alloc_after_q <= alloc_after_d;
      c_live_q <= c_live_d;  c_off_q <= c_off_d;    c_cd_q <= c_cd_d;  c_cnt_q <= c_cnt_d;
      c_zero_q <= c_zero_d;  c_fin_q <= c_fin_d;    c_vr_q <= c_vr_d;  c_tk_q <= c_tk_d;
    end
  end

  // ---------------------------------------------------------------- out: events, shift
  logic            v3_q, good3_q, vv3_q;
  logic [OFFW-1:0] off3_q;
  logic [IDXW-1:0] idx3_q, vidx3_q;
  logic [LIMW-1:0] vlim3_q;
  logic [2*W-1:0]  hi3_q;

  always_ff @(posedge clk) begin
    if (rst) begin
      v3_q <= 1'b0;  fw_valid <= 1'b0;  vv3_q <= 1'b0;  vw_valid <= 1'b0;
      ev_lock <= 1'b0;  ev_loss <= 1'b0;  ev_am_bad <= 1'b0;  lost_tick <= 1'b0;
    end else begin
      v3_q      <= emit_d;
      fw_valid  <= v3_q;
      vv3_q     <= vemit_d;
      vw_valid  <= vv3_q;
      ev_lock   <= lock_d;
      ev_loss   <= loss_d;
      ev_am_bad <= v2_q && am_bad_d;
      lost_tick <= tick_d;
    end
    good3_q    <= emit_good_d;
    off3_q     <= emit_off_d;
    idx3_q     <= emit_idx_d;
    hi3_q      <= hi2_q;
    fw_word    <= hi3_q[2*W-1 - int'(off3_q) -: W];
    fw_idx     <= idx3_q;
    fw_am_good <= good3_q;
    vidx3_q    <= vemit_idx_d;
    vlim3_q    <= vemit_lim_d;
    vw_idx     <= vidx3_q;
    vw_lim     <= vlim3_q;
  end

  assign locked = locked_q;

`ifndef SYNTHESIS
  // ---- Simulation checks (tb/assertions proves each one fires).  Legal dec states:
  // searching (candidates, maybe an outage; at most one candidate whose chain a match
  // completes at this beat), locked (no candidates, fewer than LOCK_BAD bad AMs in a
  // row; the relock window may still run), word indices inside a frame.
  logic             sa_rst_seen;
  logic [NCAND-1:0] sa_fin;      // candidates whose chain completes at this beat
  assign sa_fin = c_live_q & c_zero_q & c_fin_q;
  always @(posedge clk) begin
    if (rst) sa_rst_seen <= 1'b1;
    if (!rst && ((locked_q && (outage_q || c_live_q != '0 || int'(bad_q) >= LOCK_BAD)) ||
                 (sa_fin & (sa_fin - 1'b1)) != '0 ||  // not $onehot0, which Icarus 11 evaluates wrongly here
                 (outage_q && vwin_q) || int'(fidx_q) >= WPF || int'(vidx_q) >= WPF))
      $error("physec_aligner: illegal state (locked %b, outage %b, relock window %b, candidates %b, bad AMs %0d, word %0d, virtual word %0d)",
             locked_q, outage_q, vwin_q, c_live_q, bad_q, fidx_q, vidx_q);
    if (!rst && sa_rst_seen && (((^{fw_valid, vw_valid, locked, ev_lock, ev_loss, ev_am_bad, lost_tick}) === 1'bx) ||
                                (fw_valid && ((^{fw_word, fw_idx, fw_am_good}) === 1'bx)) ||
                                (vw_valid && ((^{vw_idx, vw_lim}) === 1'bx))))
      $error("physec_aligner: X/Z on an output after reset");
  end
`endif

endmodule

`default_nettype wire
