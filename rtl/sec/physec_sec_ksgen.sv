// SPDX-License-Identifier: Apache-2.0
//
// physec_sec_ksgen: the GCM keystream of whole frames, run ahead of the data through a
// keystream FIFO (spec 6.1; design brief 5: two pipelined AES engines, 2 blocks per
// clock).  Per job (one frame) it computes, with J0 = IV || 0^31 || 1 and
// inc32^i(J0) = IV || (1 + i) (32-bit counter; never wraps here):
//
//   entry 0          {E_K(J0), E_K(0^128)}   = {the tag mask, H}
//   entry k, k >= 1  {E_K(inc32^(2k-1)(J0)), E_K(inc32^(2k)(J0))}
//                    = keystream blocks Ek_(2k-1), Ek_(2k) of the model's
//                    physec.gcm.GcmKey.keystream(J0, n): payload line word 4 + k.
//
// i.e. the model's GcmTrace values ek_j0, h and keystream[2k-2], keystream[2k-1].
// A full job has ENTRIES = 1 + (payload words) entries (2566 at 100g), a short job
// (job_full = 0) only entry 0 (authenticate-only frames need no keystream).
//
// Ports (rst: synchronous, active high; drops the FIFO, the job and the loaded key, and
// zeroises every register holding key material, as clr does):
//   job_valid / job_ready  valid/ready: a job is taken at an edge with both high; the
//                 job_* inputs are sampled then.  job_ready = 1 only when the previous
//                 job has issued its last entry (jobs are done strictly in order).
//   job_iv[95:0]  IV, byte 0 in job_iv[95:88] (SP 800-38D block order, as physec_aes_pipe).
//   job_key[255:0], job_key_len  AES key (physec_aes_keyexp order and codes).
//   job_key_id    opaque: when it differs from the id of the key last loaded, or no key
//                 was loaded since reset, clr or kid_inval, the key is expanded first (one
//                 clock while the expansion is idle, physec_aes_keyexp's hitless install);
//                 otherwise the loaded schedule is reused.
//   job_tag       opaque, JT_W bits, returned with every entry of the job (ks_tag): the
//                 caller's identity of the job, so a frame can check which job it gets.
//   kid_inval     the key behind the loaded id changed (a slot was written or erased):
//                 the next job expands its key whatever its id.  Ids need no version.
//   clr           zeroise (key erase, spec 6.4): key, IV, the expanded round keys
//                 (physec_aes_keyexp clr), the AES pipes' state (physec_aes_pipe clr) and
//                 every FIFO entry to 0, in this clock, and kid_inval.  The job in progress,
//                 the credits and the FIFO's count and order are kept, so the caller stays
//                 in step: the entries already queued read 0 and the rest of the job is
//                 computed from all-zero round keys and IV; both carry no key material.
//                 The caller decides what the frames that get them do (fail closed).
//   ks_valid, ks_first, ks_tag, ks_data[255:0]  FIFO head (show-ahead): ks_data[255:128]
//                 the first block of the entry, ks_data[127:0] the second; ks_first = 1
//                 for entry 0 of a job; ks_tag the job's job_tag.
//   ks_pop        remove the head (at most one per clock); with ks_valid = 0 it is an
//                 underrun: nothing is removed, err_underrun = 1 in the next clock.
//
// Flow control: an entry is issued to the two AES pipes only while fewer than DEPTH
// entries are issued and not yet popped, so the FIFO never overflows and the pipes
// never stall.  Throughput: one entry (two blocks) per clock while credits last; a job
// start costs one clock, a key change one more.  Consumption at 100g is 2566 entries
// per 2570-clock frame, so the generator keeps up with a margin of 2 clocks per frame
// and stays DEPTH - LAT entries ahead (LAT = 1 + 14*RPR AES latency + 1 FIFO write).
//
// Timing: the FIFO read is a DEPTH:1 mux of 257 + JT_W bits; the counter-block forming
// is an adder of 12 bits; the AES pipes are as documented there.  The FIFO is made of
// flip-flops, not RAM, so that clr and rst zeroise every entry in one clock (a RAM
// would need DEPTH clocks of writes, racing the entries the pipes deliver).

`default_nettype none

module physec_sec_ksgen #(
  parameter int DEPTH   = 32,       // keystream FIFO entries (credits)
  parameter int RPR     = 1,        // AES registers per round (physec_aes_pipe)
  parameter int ENTRIES = 2566,     // entries of a full job: 1 + payload words
  parameter int KID_W   = 4,        // width of job_key_id
  parameter int JT_W    = 1         // width of job_tag
) (
  input  wire logic             clk,
  input  wire logic             rst,
  input  wire logic             clr,
  input  wire logic             kid_inval,
  input  wire logic             job_valid,
  output logic                  job_ready,
  input  wire logic [95:0]      job_iv,
  input  wire logic             job_full,
  input  wire logic [255:0]     job_key,
  input  wire logic             job_key_len,
  input  wire logic [KID_W-1:0] job_key_id,
  input  wire logic [JT_W-1:0]  job_tag,
  output logic                  ks_valid,
  output logic                  ks_first,
  output logic [JT_W-1:0]       ks_tag,
  output logic [255:0]          ks_data,
  input  wire logic             ks_pop,
  output logic                  err_underrun
);

  localparam int AW = (DEPTH <= 2) ? 1 : $clog2(DEPTH);
  localparam int CW = $clog2(ENTRIES + 1);

  if (DEPTH < 4 || ENTRIES < 2 || 2 * ENTRIES + 2 >= (1 << 30) || JT_W < 1) begin : g_bad_params
`ifdef __ICARUS__
    initial $fatal(1, "physec_sec_ksgen: DEPTH must be >= 4, ENTRIES in 2 .. 2^29, JT_W >= 1");
`else
    $fatal(1, "physec_sec_ksgen: DEPTH must be >= 4, ENTRIES in 2 .. 2^29, JT_W >= 1");
`endif
  end

  typedef enum logic [1:0] {S_IDLE, S_LOAD, S_RUN} state_t;

  state_t           st_q;
  logic [95:0]      iv_q;
  logic [CW-1:0]    cnt_q;         // entry issued next
  logic [CW-1:0]    last_q;        // last entry of the job
  logic [255:0]     key_q;
  logic             key_len_q;
  logic [KID_W-1:0] kid_q;         // id of the loaded (or loading) key
  logic [JT_W-1:0]  tag_q;         // the job's tag
  logic             kid_ok_q;      // kid_q is loaded
  logic             kid_bad_q;     // kid_inval or clr since the loading job was taken
  logic [AW:0]      credit_q;      // entries issued and not yet popped

  // ---- AES key expansion and the two pipes.
  logic                                  kx_busy, kx_ready, kx_rk_len;
  logic [physec_aes_pkg::NSLOT*128-1:0]  kx_rk;
  wire logic kx_valid = (st_q == S_LOAD);

  physec_aes_keyexp #(.RPR(RPR)) u_keyexp (
    .clk       (clk),
    .rst       (rst),
    .clr       (clr),
    .key_valid (kx_valid),
    .key_len   (key_len_q),
    .key       (key_q),
    .busy      (kx_busy),
    .ready     (kx_ready),
    .rk_len    (kx_rk_len),
    .round_keys(kx_rk)
  );

  wire logic pop   = ks_pop && ks_valid;
  wire logic issue = (st_q == S_RUN) && (credit_q < (AW+1)'(DEPTH));

  // Counter blocks of entry cnt_q (entry 0: J0 and the zero block for H).
  wire logic [CW:0]   c2    = {cnt_q, 1'b0};
  wire logic [127:0]  blk_a = (cnt_q == '0) ? {iv_q, 32'd1} : {iv_q, 32'(c2)};
  wire logic [127:0]  blk_b = (cnt_q == '0) ? 128'd0        : {iv_q, 32'(c2) + 32'd1};

  logic            a_valid, b_valid, a_first, b_first, a_drop, b_drop;
  logic [127:0]    a_blk, b_blk;
  logic [JT_W-1:0] a_tag;

  // Pipe A's sideband carries the job tag with the first flag.
  physec_aes_pipe #(.RPR(RPR), .TAG_W(1 + JT_W)) u_aes_a (
    .clk       (clk),
    .rst       (rst),
    .clr       (clr),
    .key_ready (kx_ready),
    .rk_len    (kx_rk_len),
    .round_keys(kx_rk),
    .in_valid  (issue),
    .in_blk    (blk_a),
    .in_tag    ({tag_q, cnt_q == '0}),
    .in_drop   (a_drop),
    .out_valid (a_valid),
    .out_blk   (a_blk),
    .out_tag   ({a_tag, a_first})
  );

  physec_aes_pipe #(.RPR(RPR), .TAG_W(1)) u_aes_b (
    .clk       (clk),
    .rst       (rst),
    .clr       (clr),
    .key_ready (kx_ready),
    .rk_len    (kx_rk_len),
    .round_keys(kx_rk),
    .in_valid  (issue),
    .in_blk    (blk_b),
    .in_tag    (cnt_q == '0),
    .in_drop   (b_drop),
    .out_valid (b_valid),
    .out_blk   (b_blk),
    .out_tag   (b_first)
  );

  // The pipes run in lock step: B's valid and tag equal A's; a drop cannot happen
  // (issue waits for a loaded key).
  wire logic unused_b = &{1'b0, b_valid, b_first, a_drop, b_drop};

  // ---- Job control.
  assign job_ready = (st_q == S_IDLE);

  wire logic reuse = kid_ok_q && !kid_inval && !clr && job_key_id == kid_q;

  always_ff @(posedge clk) begin
    if (rst) begin
      st_q      <= S_IDLE;
      kid_ok_q  <= 1'b0;
      kid_bad_q <= 1'b0;
    end else begin
      case (st_q)
        S_IDLE: if (job_valid) begin
          // A different key: expand it first (the pipes keep the old schedule for every
          // block taken up to the accepting edge, so nothing in flight is affected).
          st_q      <= reuse ? S_RUN : S_LOAD;
          kid_ok_q  <= reuse;
          kid_bad_q <= kid_inval || clr;      // job_key was read before this edge's change
        end else if (kid_inval || clr) begin
          kid_ok_q  <= 1'b0;
        end
        S_LOAD: if (!kx_busy) begin     // accepted at this edge; blocks from the next on
          st_q      <= S_RUN;
          kid_ok_q  <= !(kid_bad_q || kid_inval || clr);
        end else if (kid_inval || clr) begin
          kid_bad_q <= 1'b1;
        end
        S_RUN: begin
          if (issue && cnt_q == last_q) st_q <= S_IDLE;
          if (kid_inval || clr) kid_ok_q <= 1'b0;
        end
        default: st_q <= S_IDLE;
      endcase
    end
  end

  always_ff @(posedge clk) begin
    if (st_q == S_IDLE && job_valid) begin
      last_q    <= job_full ? CW'(ENTRIES - 1) : '0;
      cnt_q     <= '0;
      key_len_q <= job_key_len;
      kid_q     <= job_key_id;
      tag_q     <= job_tag;
    end else if (issue) begin
      cnt_q <= cnt_q + CW'(1);
    end
  end

  // Key material: zero after reset and clr (a job taken in a clr clock gets zeros).
  always_ff @(posedge clk) begin
    if (rst || clr) begin
      iv_q  <= '0;
      key_q <= '0;
    end else if (st_q == S_IDLE && job_valid) begin
      iv_q  <= job_iv;
      key_q <= job_key;
    end
  end

  always_ff @(posedge clk) begin
    if (rst) credit_q <= '0;
    else     credit_q <= credit_q + (AW+1)'(issue) - (AW+1)'(pop);
  end

  // ---- Keystream FIFO (show-ahead), flip-flops zeroised by rst and clr.  Each entry
  // carries the job tag taken with the job (constant while the job's entries are issued:
  // the next job is taken only after its last issue, and issue -> write keeps order).
  localparam int EW = 257 + JT_W;
  logic [EW-1:0] mem [DEPTH];
  logic [AW-1:0] wr_q, rd_q;
  logic [AW:0]   cnt_f_q;

  function automatic logic [AW-1:0] nxt(input logic [AW-1:0] p);
    return (p == AW'(DEPTH - 1)) ? '0 : p + AW'(1);
  endfunction

  // clr zeroes the keystream of every entry and keeps its tag and first flag (no key
  // material), so the job/frame lockstep checks still hold.
  always_ff @(posedge clk) begin
    for (int i = 0; i < DEPTH; i++) begin
      if (rst)                            mem[i] <= '0;
      else if (a_valid && wr_q == AW'(i)) mem[i] <= {a_tag, a_first, clr ? 256'd0 : {a_blk, b_blk}};
      else if (clr)                       mem[i][255:0] <= '0;
    end
  end

  always_ff @(posedge clk) begin
    if (rst) begin
      wr_q         <= '0;
      rd_q         <= '0;
      cnt_f_q      <= '0;
      err_underrun <= 1'b0;
    end else begin
      if (a_valid) wr_q <= nxt(wr_q);
      if (pop)     rd_q <= nxt(rd_q);
      cnt_f_q      <= cnt_f_q + (AW+1)'(a_valid) - (AW+1)'(pop);
      err_underrun <= ks_pop && !ks_valid;
    end
  end

  wire logic [EW-1:0] head = mem[rd_q];
  assign ks_valid = (cnt_f_q != '0);
  assign ks_tag   = head[EW-1 -: JT_W];
  assign ks_first = head[256];
  assign ks_data  = head[255:0];

`ifndef SYNTHESIS
  // ---- Simulation checks (tb/assertions proves each one fires).  A pop of an empty
  // FIFO is the caller's error (err_underrun; the callers check it as "ran dry").
  logic sa_rst_seen;
  logic sa_wait_q;                      // a job was offered and not taken at the last edge
  always @(posedge clk) begin
    if (rst) sa_rst_seen <= 1'b1;
    sa_wait_q <= !rst && job_valid && !job_ready;
    if (!rst && int'(cnt_f_q) + int'(a_valid) - int'(pop) > DEPTH)
      $error("physec_sec_ksgen: keystream FIFO overflow (level %0d, write %b, pop %b, depth %0d)",
             cnt_f_q, a_valid, pop, DEPTH);
    if (!rst && st_q != S_IDLE && st_q != S_LOAD && st_q != S_RUN)
      $error("physec_sec_ksgen: illegal state %0d", st_q);
    if (!rst && sa_wait_q && !job_valid)
      $error("physec_sec_ksgen: job_valid withdrawn before job_ready");
    if (!rst && sa_rst_seen && (((^{job_ready, ks_valid, err_underrun}) === 1'bx) ||
                                (ks_valid && ((^{ks_first, ks_data}) === 1'bx))))
      $error("physec_sec_ksgen: X/Z on an output after reset");
  end
`endif

  // ---- Properties (SVA): proven by formal/run.py (FORMAL), checked in simulation
  // (Verilator builds with --assert); not in synthesis, nor in Icarus 11 (no concurrent
  // assertions).
`ifndef PHYSEC_SVA
`ifdef FORMAL
`define PHYSEC_SVA
`elsif SYNTHESIS
`elsif __ICARUS__
`else
`define PHYSEC_SVA
`endif
`endif
`ifdef PHYSEC_SVA
  // Zeroisation: after rst or clr no key, IV or keystream entry is left.  (Immediate
  // assertions on a registered condition: the FIFO is a memory, which the formal front
  // end does not take in a concurrent assertion.)
  // Starts at 0 (the initial state formal assumes): no check before the first clear.
  logic sva_zero_q;
  initial sva_zero_q = 1'b0;
  always_ff @(posedge clk) sva_zero_q <= rst || clr;
  always @(posedge clk) begin
    if (sva_zero_q) zeroised: assert ({key_q, iv_q} == '0)
      else $error("physec_sec_ksgen: key or IV after reset or clr");
  end
  for (genvar i = 0; i < DEPTH; i++) begin : g_zero
    always @(posedge clk) begin
      if (sva_zero_q) zeroised: assert (mem[i][255:0] == '0)
        else $error("physec_sec_ksgen: keystream entry %0d after reset or clr", i);
    end
  end
  // The keystream FIFO never overflows: credits bound what is issued and not yet popped,
  // which covers the FIFO and the blocks in pipe A (a dropped block only leaves a credit
  // unused).
  no_overflow: assert property (@(posedge clk) disable iff (rst)
                                cnt_f_q <= (AW+1)'(DEPTH) && !(cnt_f_q == (AW+1)'(DEPTH) && a_valid && !pop))
    else $error("physec_sec_ksgen: keystream FIFO overflow");
  credits: assert property (@(posedge clk) disable iff (rst)
                            credit_q <= (AW+1)'(DEPTH) &&
                            int'(credit_q) >= int'(cnt_f_q) + $countones(u_aes_a.u_side.valid_q))
    else $error("physec_sec_ksgen: credits below the entries in flight");
`endif

endmodule

`default_nettype wire
