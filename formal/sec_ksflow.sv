// SPDX-License-Identifier: Apache-2.0
//
// Formal harness of the keystream flow of physec_sec_rx (formal/run.py, proof
// ks_underflow): while payload flows, a keystream pop never finds the FIFO empty, and a
// job is never pushed into a full job queue (spec 6.4; issue 16).  Compositional, on
// the parts of the stage that decide when entries are made and taken:
//
//   frame stream --> physec_word_index --> pops (word 1: entry 0; words 5..: payload)
//                                      \-> job push PUSH_AT clocks after word 3 --> physec_sec_jobq
//   physec_sec_jobq --> physec_sec_ksgen (two AES pipe stubs of the real latency,
//                       formal/aes_pipe_stub.sv; the real key expansion) --> FIFO --> pops
//
// The pop and push rules are physec_sec_rx's (ks_pop = w1_beat || pl_beat; push = ck2_q,
// its check stage 2 clock, OUT_DELAY + 2 = 8 clocks after word 3); proof ks_consumer (formal/sec_rx_ks.sv) shows on the real
// stage, for the same frame stream, that its pops, pushes and flushes are these.  The
// stage's environment, as assumed here:
//   - whole frames of WORDS words, pauses anywhere (in_valid free), in_sof on word 0
//     (physec_aligner: "every processed frame comes out whole");
//   - the first in_sof at least START clocks after reset (physec_sec_rx's port contract);
//   - clr (the stage's flush) only once a frame has started (ks_consumer: a flush needs a
//     job or a pending frame holding key material); key ids, kid_inval and the job
//     records' key fields are free, so every job may cost a key expansion.
// Reset in the first clock only: every register of the flow is reset synchronously, so
// a later reset restarts from this same state (and the stream contract starts over).
//
// Invariants (k = 1): the stream model's word index is the word index's; the credits
// equal the entries of the consumer's job (and, once the generator has issued its last
// one, ghost rel = 1, of the next job) issued and not yet popped, and the entries in the
// FIFO plus those in pipe A's delay line; the job queue holds the jobs pushed and not
// taken; the key expansion is busy only in the first clocks of the job that started it;
// and the deficit (DEPTH - credits) is at most B, plus what a job switch (at most 2 clocks
// without an issue: S_IDLE, S_LOAD) and the end of a frame cost until the frame's idle
// words (0, 2, 3, 4) give them back: at most B + 2.  So at every pop the FIFO holds at
// least DEPTH - (B + 2) - LAT entries, LAT = 15 (pipe_latency(1), the delay line).
// B must cover the start (at the first in_sof, t >= START, credits >= START - 3:
// B >= DEPTH - START + 1) and leave an entry at a pop (B <= DEPTH - LAT - 3): with
// DEPTH 32, START 24, any B in 9 .. 14.  Frame length enters only through two relations:
// WORDS - DEPTH >= PUSH_AT + 4 (the next job is queued, PUSH_AT clocks after word 3, so by
// word PUSH_AT + 3 at the latest, before the generator
// finishes the current one, which it does at word >= WORDS - DEPTH) and WORDS - 5 >= 14
// (an expansion ends within the job that started it).  100g: 2538 >= 12 and 2565; the
// 48-word profile of the mutant runs: 16 >= 12 and 43.

`default_nettype none

module sec_ksflow_formal #(
  parameter int WORDS = 2570,     // words per frame (header 5): 100g
  parameter int DEPTH = 32,       // keystream FIFO entries (the stage's KS_DEPTH)
  parameter int START = 24,       // first in_sof this many clocks after reset, or later
  parameter int B     = 12,       // deficit bound of the invariants
  parameter int PUSH_AT = 8       // clocks from word 3 to the job push (physec_sec_rx: OUT_DELAY + 2)
) (
  input wire logic        clk,
  input wire logic        in_valid_free,
  input wire logic        clr,
  input wire logic        kid_inval,
  input wire logic [2:0]  key_id,
  input wire logic [1:0]  push_an,
  input wire logic        push_null,
  input wire logic [3:0]  chg,
  input wire logic        jq_flush
);

  localparam int HEADER  = 5;
  localparam int ENTRIES = WORDS - HEADER + 1;
  localparam int IW      = $clog2(WORDS + 1);
  localparam int AW      = $clog2(DEPTH);
  localparam int TW      = $clog2(START + 1);

  logic init_q = 1'b1;
  always_ff @(posedge clk) init_q <= 1'b0;
  wire logic rst = init_q;

  // ---- The frame stream: whole frames, first word START clocks after reset or later.
  logic [TW-1:0] t_q;                   // clocks since the reset clock, saturating at START
  logic [IW-1:0] m_q;                   // index of the stream's next word
  always_ff @(posedge clk) begin
    if (rst) t_q <= TW'(1);
    else if (t_q != TW'(START)) t_q <= t_q + TW'(1);
  end
  wire logic in_valid = in_valid_free && t_q == TW'(START);
  wire logic in_sof   = in_valid && m_q == '0;
  always_ff @(posedge clk) begin
    if (rst) m_q <= '0;
    else if (in_valid) m_q <= (m_q == IW'(WORDS - 1)) ? '0 : m_q + IW'(1);
  end

  // ---- physec_sec_rx's consumer: word index, pops, job pushes.
  logic          beat, started;
  logic [IW-1:0] widx;
  physec_word_index #(.WORDS(WORDS), .IW(IW)) u_widx (
    .clk, .rst, .in_valid, .in_sof, .beat, .widx, .started
  );
  wire logic w1_beat = beat && widx == IW'(1);
  wire logic w3_beat = beat && widx == IW'(3);
  wire logic pl_beat = beat && widx >= IW'(HEADER);
  wire logic ks_pop  = w1_beat || pl_beat;
  logic [PUSH_AT-1:0] h_q;              // h_q[i]: word 3 was i + 1 clocks ago
  always_ff @(posedge clk) begin
    if (rst) h_q <= '0;
    else     h_q <= {h_q[PUSH_AT-2:0], w3_beat};
  end
  wire logic push = h_q[PUSH_AT-1];
  // The push pipeline against the word index: i + 1 clocks after word 3 the next word
  // index is 4 .. 4 + i (at most one beat per clock).
  function automatic logic h_in_step(input logic [PUSH_AT-1:0] h, input logic [IW-1:0] m);
    h_in_step = $onehot0(h);
    for (int i = 0; i < PUSH_AT; i++)
      if (h[i] && !(m >= IW'(4) && m <= IW'(4 + i))) h_in_step = 1'b0;
  endfunction

  always @(*) if (!started) assume (!clr);

  // ---- The job queue and the generator.
  logic        j_valid, j_nul, chk_bad, jr_nul, jc_nul, jc_flush, jq_ovf, gen_ready;
  logic [1:0]  j_an, jr_an, jc_an;
  logic [63:0] j_pn;
  logic [3:0]  held;
  physec_sec_jobq u_jobq (
    .clk, .rst, .push(push), .push_an, .push_null, .push_pn(64'd0), .job_valid(j_valid),
    .job_nul(j_nul), .job_an(j_an), .job_pn(j_pn), .job_ready(gen_ready), .chg, .flush(jq_flush),
    .arrive(w1_beat), .chk_an(2'd0), .chk_bad, .jr_nul, .jr_an, .jc_nul, .jc_an, .jc_flush, .held,
    .ovf(jq_ovf)
  );

  logic         ks_valid, ks_first, ks_underrun;
  logic [2:0]   ks_tag;
  logic [255:0] ks_data;
  physec_sec_ksgen #(.DEPTH(DEPTH), .RPR(1), .ENTRIES(ENTRIES), .KID_W(3), .JT_W(3)) u_ksgen (
    .clk, .rst, .clr, .kid_inval, .job_valid(j_valid), .job_ready(gen_ready), .job_iv(96'd0),
    .job_full(1'b1), .job_key(256'd0), .job_key_len(1'b1), .job_key_id(key_id), .job_tag(3'd0),
    .ks_valid, .ks_first, .ks_tag, .ks_data, .ks_pop, .err_underrun(ks_underrun)
  );
  wire logic unused = &{1'b0, j_nul, j_an, j_pn, chk_bad, jr_nul, jr_an, jc_nul, jc_an, jc_flush, held,
                        jq_ovf, ks_first, ks_tag, ks_data, ks_underrun};

  // ---- Ghost: the producer has issued the last entry of the consumer's job (rel = 1).
  wire logic p_done  = u_ksgen.issue && u_ksgen.cnt_q == u_ksgen.last_q;
  wire logic c_done  = beat && widx == IW'(WORDS - 1);
  logic [1:0] rel_q;
  always_ff @(posedge clk) begin
    if (rst) rel_q <= '0;
    else     rel_q <= rel_q + 2'(p_done) - 2'(c_done);
  end

  // Entries of the consumer's job popped, from the index of the next word.
  function automatic int popped(input logic [IW-1:0] m);
    return (m <= IW'(1)) ? 0 : (m <= IW'(HEADER)) ? 1 : int'(m) - (HEADER - 1);
  endfunction

  wire logic s_idle = u_ksgen.st_q == 2'd0;          // the ksgen's S_IDLE, S_LOAD, S_RUN
  wire logic s_load = u_ksgen.st_q == 2'd1;
  wire logic s_run  = u_ksgen.st_q == 2'd2;
  wire logic pushed = m_q >= IW'(4) && h_q == '0;           // this frame's push is done
  int credit, deficit, issued, queued;
  always_comb begin
    credit  = int'(u_ksgen.credit_q);
    deficit = DEPTH - credit;
    issued  = s_idle ? 0 : int'(u_ksgen.cnt_q);             // of the producer's job
    queued  = int'(u_jobq.jq_valid_q[0]) + int'(u_jobq.jq_valid_q[1]);
  end

  always @(*) begin
    if (!rst) begin
      // The property: a pop (word 1 or a payload word) finds an entry.
      no_underflow: assert (!ks_pop || ks_valid);
      // Jobs are never pushed into a full queue (physec_sec_jobq's ovf).
      no_job_ovf: assert (!(push && u_jobq.jq_valid_q[1] && !(j_valid && gen_ready)));

      // Invariants.  Stream model = word index; the push pipeline.
      inv_idx: assert (m_q <= IW'(WORDS - 1) &&
                       (started ? (u_widx.idx_q == ((m_q == '0) ? IW'(WORDS) : m_q))
                                : (m_q == '0 && u_widx.idx_q == '0)));
      inv_ck: assert (h_in_step(h_q, m_q));
      // Credits: issued and not popped = in pipe A's delay line + in the FIFO (no drops).
      inv_credit: assert (rel_q <= 2'd1 && u_ksgen.st_q != 2'd3 && credit <= DEPTH &&
                          (!s_load || u_ksgen.cnt_q == '0) && t_q != '0 && t_q <= TW'(START) && (!started || t_q == TW'(START)) &&
                          credit == int'(rel_q) * ENTRIES + issued - popped(m_q) &&
                          credit == int'(u_ksgen.cnt_f_q) + $countones(u_ksgen.u_aes_a.u_side.valid_q) &&
                          (t_q == TW'(1) || int'(u_ksgen.last_q) == ENTRIES - 1) &&
                          (s_idle || int'(u_ksgen.cnt_q) <= ENTRIES - 1));
      // Jobs queued = pushed (one at reset, one per frame) - taken.
      inv_jobs: assert (queued == 1 + int'(pushed) - int'(rel_q) - int'(!s_idle) &&
                        (!u_jobq.jq_valid_q[1] || u_jobq.jq_valid_q[0]));
      // The key expansion: ready from the first job on, busy only in the first clocks of
      // the job that started it (a job is longer than an expansion).
      inv_kx: assert ((t_q < TW'(3) || u_ksgen.kx_ready) && (!s_run || u_ksgen.kx_ready) &&
                      (!u_ksgen.kx_busy || (s_run && int'(u_ksgen.cnt_q) < int'(u_ksgen.u_keyexp.slot_q) &&
                                               u_ksgen.u_keyexp.slot_q != '0 && u_ksgen.u_keyexp.slot_q <= 4'd14)) &&
                      u_ksgen.u_keyexp.phase_q == 1'b0);
      // Deficit bounds by phase.
      if (!started) begin
        inv_start: assert (rel_q == 2'd0 && m_q == '0 &&
                           (t_q == TW'(1) ? (s_idle && credit == 0 && !u_ksgen.kid_ok_q && !u_ksgen.kx_busy) :
                            t_q == TW'(2) ? (s_load && credit == 0 && !u_ksgen.kx_busy) :
                            (s_run && credit >= ((int'(t_q) - 3 < DEPTH) ? int'(t_q) - 3 : DEPTH))));
      end else if (rel_q == 2'd0) begin
        inv_own: assert (s_run && deficit <= ((m_q == '0) ? B + 2 : (m_q <= IW'(2)) ? B + 1 : B));
      end else begin
        inv_next: assert (deficit <= (s_idle ? B : s_load ? B + 1 : B + 2));
      end
    end
  end

endmodule

`default_nettype wire
