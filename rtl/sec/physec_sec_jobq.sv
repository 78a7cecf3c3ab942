// SPDX-License-Identifier: Apache-2.0
//
// physec_sec_jobq: the keystream job records of physec_sec_rx (spec 6.4, keys bound to
// jobs), a module of its own so that its properties are proven on it alone (formal/run.py,
// proof job_id).  Each job carries {AN, null} and a stale bit from its push through the
// ksgen to the frame that uses it; stale = its AN's slot changed (written or erased) or
// the keystream path was flushed since the push: the key version it was bound to is gone.
//   jq  a two-entry queue: pushed, not yet taken by the ksgen;
//   jr  the job the ksgen took last (its entry 0 comes next);
//   jc  the job of the frame being received, from the frame's arrival (word 1).
// A job stale when it is taken gets no key (job_nul); a frame whose job is null, stale or
// of another AN, or whose AN's slot changes in its check clock, is flagged (chk_bad): the
// stage fails it "key changed".
//
// Ports (rst: synchronous, active high: the queue holds the first frame's null job):
//   push, push_an, push_null, push_pn  a job, pushed (after a PAD check).
//   job_valid, job_nul, job_an, job_pn, job_ready  the queue head to the ksgen, taken at
//                 an edge with job_valid and job_ready; job_nul: give it the all-zero key.
//   chg[a]        AN a's key slot changes at this edge (physec_sec_keys changed).
//   flush         the keystream path is cleared at this edge: every record goes stale.
//   arrive        a frame's word 1 (it pops the entry 0 of the job taken last): jc <= jr.
//   chk_an, chk_bad  combinational: the current frame's job (jc) is not bound to AN
//                 chk_an's current key (null, stale, another AN, or chg / flush now).
//   jr_nul, jr_an the job taken last (the ksgen tag its entry 0 must carry).
//   jc_nul, jc_an, jc_flush  the frame's job; jc_flush: a flush since its arrival.
//   held[a]       a record holds key material of AN a (erasing a must flush the path).
//   ovf           registered: a push into a full queue (a usage error; the stage alarms).
//
// What the stage guarantees (the proof's assumptions, checked here in simulation): no
// push into a full queue; exactly one job taken between two frame arrivals (the frame
// gets the job the ksgen took for it: one push per frame, after its word 3).

`default_nettype none

module physec_sec_jobq (
  input  wire logic        clk,
  input  wire logic        rst,
  input  wire logic        push,
  input  wire logic [1:0]  push_an,
  input  wire logic        push_null,
  input  wire logic [63:0] push_pn,
  output logic             job_valid,
  output logic             job_nul,
  output logic [1:0]       job_an,
  output logic [63:0]      job_pn,
  input  wire logic        job_ready,
  input  wire logic [3:0]  chg,
  input  wire logic        flush,
  input  wire logic        arrive,
  input  wire logic [1:0]  chk_an,
  output logic             chk_bad,
  output logic             jr_nul,
  output logic [1:0]       jr_an,
  output logic             jc_nul,
  output logic [1:0]       jc_an,
  output logic             jc_flush,
  output logic [3:0]       held,
  output logic             ovf
);

  logic        jq_valid_q [2];
  logic        jq_null_q  [2];
  logic        jq_stale_q [2];
  logic [1:0]  jq_an_q    [2];
  logic [63:0] jq_pn_q    [2];
  logic        jr_nul_q, jr_stale_q;
  logic [1:0]  jr_an_q;
  logic        jc_nul_q, jc_stale_q, jc_flush_q;
  logic [1:0]  jc_an_q;

  // A slot change marks the records of its AN stale; a flush marks every record.
  function automatic logic marked(input logic [1:0] an);
    return flush || chg[an];
  endfunction

  wire logic take = jq_valid_q[0] && job_ready;

  always_ff @(posedge clk) begin
    if (rst) begin
      jq_valid_q[0] <= 1'b1;            // the first frame's null job
      jq_null_q[0]  <= 1'b1;
      jq_stale_q[0] <= 1'b0;
      jq_an_q[0]    <= '0;
      jq_pn_q[0]    <= '0;
      jq_valid_q[1] <= 1'b0;
      jq_null_q[1]  <= 1'b1;
      jq_stale_q[1] <= 1'b0;
      jq_an_q[1]    <= '0;
      ovf           <= 1'b0;
    end else begin
      ovf <= push && jq_valid_q[1] && !take;
      for (int i = 0; i < 2; i++) begin
        if (marked(jq_an_q[i])) jq_stale_q[i] <= 1'b1;
      end
      if (take) begin
        // Shift, then append the push (if any) behind what remains.
        jq_valid_q[0] <= jq_valid_q[1] || (push && !jq_valid_q[1]);
        jq_valid_q[1] <= push && jq_valid_q[1];
        if (jq_valid_q[1]) begin
          jq_null_q[0]  <= jq_null_q[1];
          jq_stale_q[0] <= jq_stale_q[1] || marked(jq_an_q[1]);
          jq_an_q[0]    <= jq_an_q[1];
          jq_pn_q[0]    <= jq_pn_q[1];
        end else if (push) begin
          jq_null_q[0]  <= push_null;
          jq_stale_q[0] <= marked(push_an);
          jq_an_q[0]    <= push_an;
          jq_pn_q[0]    <= push_pn;
        end
        if (push && jq_valid_q[1]) begin
          jq_null_q[1]  <= push_null;
          jq_stale_q[1] <= marked(push_an);
          jq_an_q[1]    <= push_an;
          jq_pn_q[1]    <= push_pn;
        end
      end else if (push) begin
        if (!jq_valid_q[0]) begin
          jq_valid_q[0] <= 1'b1;
          jq_null_q[0]  <= push_null;
          jq_stale_q[0] <= marked(push_an);
          jq_an_q[0]    <= push_an;
          jq_pn_q[0]    <= push_pn;
        end else begin
          jq_valid_q[1] <= 1'b1;
          jq_null_q[1]  <= push_null;
          jq_stale_q[1] <= marked(push_an);
          jq_an_q[1]    <= push_an;
          jq_pn_q[1]    <= push_pn;
        end
      end
    end
  end

  assign job_valid = jq_valid_q[0];
  assign job_an    = jq_an_q[0];
  assign job_pn    = jq_pn_q[0];
  // A job stale before it is taken gets no key: it carries no key material.
  assign job_nul   = jq_null_q[0] || jq_stale_q[0] || marked(jq_an_q[0]);

  always_ff @(posedge clk) begin
    if (rst) begin
      jr_nul_q   <= 1'b1;
      jr_stale_q <= 1'b0;
      jr_an_q    <= '0;
      jc_nul_q   <= 1'b1;
      jc_stale_q <= 1'b0;
      jc_flush_q <= 1'b0;
      jc_an_q    <= '0;
    end else begin
      if (take) begin
        jr_nul_q   <= job_nul;
        jr_stale_q <= jq_stale_q[0] || marked(jq_an_q[0]);
        jr_an_q    <= jq_an_q[0];
      end else if (marked(jr_an_q)) begin
        jr_stale_q <= 1'b1;
      end
      if (arrive) begin
        jc_nul_q   <= jr_nul_q;
        jc_stale_q <= jr_stale_q || marked(jr_an_q);
        jc_flush_q <= flush;
        jc_an_q    <= jr_an_q;
      end else begin
        if (marked(jc_an_q)) jc_stale_q <= 1'b1;
        if (flush)           jc_flush_q <= 1'b1;
      end
    end
  end

  assign chk_bad  = jc_nul_q || jc_stale_q || jc_an_q != chk_an || marked(chk_an);
  assign jr_nul   = jr_nul_q;
  assign jr_an    = jr_an_q;
  assign jc_nul   = jc_nul_q;
  assign jc_an    = jc_an_q;
  assign jc_flush = jc_flush_q;

  always_comb begin
    for (int a = 0; a < 4; a++) begin
      held[a] = (!jc_nul_q && jc_an_q == 2'(a)) || (!jr_nul_q && jr_an_q == 2'(a)) ||
                (jq_valid_q[0] && !jq_null_q[0] && jq_an_q[0] == 2'(a)) ||
                (jq_valid_q[1] && !jq_null_q[1] && jq_an_q[1] == 2'(a));
    end
  end

`ifndef SYNTHESIS
  // ---- Simulation checks (tb/assertions proves each one fires): the queue's state and
  // the two guarantees of the stage that the proof assumes.
  logic [1:0] sa_taken_q;               // jobs taken since the last arrival (or reset)
  always @(posedge clk) begin
    if (rst) sa_taken_q <= 2'd0;
    else     sa_taken_q <= arrive ? 2'(take) : (sa_taken_q == 2'd2) ? 2'd2 : sa_taken_q + 2'(take);
    if (!rst && jq_valid_q[1] && !jq_valid_q[0])
      $error("physec_sec_jobq: illegal job queue state (entry 1 valid, entry 0 empty)");
    if (!rst && push && jq_valid_q[1] && !take)
      $error("physec_sec_jobq: a job pushed into a full queue");
    if (!rst && arrive && sa_taken_q != 2'd1)
      $error("physec_sec_jobq: a frame arrived with %0d jobs taken since the last one (not 1)", sa_taken_q);
  end
`endif

endmodule

`default_nettype wire
