(** * Reflective checker for spurious local minima of one-hidden-layer networks, scalar output,
    any convex loss (squared, absolute, Huber, hinge), by subgradient multipliers
    (he2020.thm1 / christof2023 [affine_optimality] certificates).

    As in [Thm1], inside the interior box every hidden neuron keeps one piece on every sample,
    so the output is, on the data, an affine function of the input. The certificate's
    multipliers [g_j] lie in the subdifferential of the loss at the fitted values [f_j] of the
    affine fit, sum to 0 and are orthogonal to every input coordinate; by the subgradient
    inequality [ell(o_j) >= ell(f_j) + g_j (o_j - f_j)] the risk in the box is at least
    [sum_j ell(f_j)], which is the risk at the point. [opt1_sound]. *)
From Coq Require Import List QArith Reals Qreals Lra Lia.
From Symcert Require Import Defs QSem Lists Affine Thm1 Curves Linear Subgrad.
Import ListNotations.

(** ** The checker *)
Definition fitv (c : thm1_cert) (s : sample) : Q := qadd (qdot (t1_fit_w c) (fst s)) (t1_fit_b c).

Definition core_opt (a : activation) (l : loss) (dx h : nat) (data : list sample) (ms : list Q) (c : thm1_cert) : bool :=
  let ws := [dx; h; 1%nat] in
  let p := over_common (t1_point c) in
  let pb := over_common (t1_better c) in
  let r := t1_radius c in
  let gd := combine ms data in
  let rp := risk_lq a l ws data p in
  let rb := risk_lq a l ws data pb in
  continuous (breakpoints a) (pieces a) &&
  Nat.eqb (length (t1_point c)) (nparams ws) && Nat.eqb (length (t1_better c)) (nparams ws) &&
  Nat.eqb (length (t1_fit_w c)) dx && Nat.eqb (length ms) (length data) &&
  forallb (fun s => Nat.eqb (length (fst s)) dx && Nat.eqb (length (snd s)) 1 &&
                    list_eqb (forward_q (act_q a) (layers ws p) (fst s)) [fitv c s]) data &&
  qlt 0 r && forallb (fun r' => qlt 0 r' && qle r' r) (t1_radii c) &&
  match collect (map (neuron_piece a r (map fst data)) (combine (rows h dx p) (firstn h (skipn (h * dx) p)))) with
  | Some _ => true | None => false end &&
  forallb (fun gs => subgrad l (fitv c (snd gs)) (hd 0%Q (snd (snd gs))) (fst gs)) gd &&
  Qeq_bool (qsum (map fst gd)) 0 &&
  forallb (fun k => Qeq_bool (qsum (map (fun gs => fst gs * nth k (fst (snd gs)) 0)%Q gd)) 0) (seq 0 dx) &&
  Qeq_bool rp (qsum (map (fun s => ell_q l (fitv c s) (hd 0%Q (snd s))) data)) &&
  Qeq_bool rp (t1_loss c) && Qeq_bool rb (t1_better_loss c) && qlt rb rp.

Definition check_opt1 (n : network) (data : list sample) (c : thm1_cert) : bool :=
  match shape2 (widths n), t1_mults c with
  | Some (dx, h), Some ms => loss_ok (lossk n) && core_opt (activ n) (lossk n) dx h (rescale_data data) ms c
  | _, _ => false
  end.

(** ** Soundness *)
Local Open Scope R_scope.

Lemma sample_loss_1 n dx h q s :
  widths n = [dx; h; 1%nat] ->
  length q = nparams [dx; h; 1%nat] -> length (snd s) = 1%nat ->
  sample_loss n q s =
    ell (lossk n)
      (dot (firstn h (skipn (h * dx + h) q))
           (map (act (activ n)) (apply_layer (rows h dx q, firstn h (skipn (h * dx) q)) (map Q2R (fst s))))
       + hd 0 (skipn h (skipn (h * dx + h) q))) (Q2R (hd 0%Q (snd s))).
Proof.
  intros Hw Hq Hs. unfold sample_loss. rewrite Hw.
  destruct s as [x [|y [|y' ys]]]; simpl in Hs; try lia. simpl.
  rewrite Nat.add_0_r.
  destruct (skipn h (skipn (h * dx + h) q)) as [|b2 rest] eqn:E.
  - exfalso. apply (f_equal (@length R)) in E. rewrite !skipn_length in E. simpl in Hq, E. lia.
  - simpl. apply Rplus_0_r.
Qed.

Lemma map_snd_combine {A B} (l1 : list A) (l2 : list B) : length l1 = length l2 -> map snd (combine l1 l2) = l2.
Proof.
  revert l2; induction l1 as [|a l1 IH]; intros [|b l2] H; simpl in *; try discriminate; auto.
  rewrite IH; auto.
Qed.

Theorem opt1_sound n data c :
  check_opt1 n data c = true ->
  spurious_local_min (risk n data) (params (t1_point c)) /\
  risk n data (params (t1_point c)) = Q2R (t1_loss c) /\
  risk n data (params (t1_better c)) = Q2R (t1_better_loss c).
Proof.
  unfold check_opt1. destruct (shape2 (widths n)) as [[dx h]|] eqn:Hw; [|discriminate].
  destruct (t1_mults c) as [ms|] eqn:Hms; [|discriminate].
  apply shape2_spec in Hw. intro H. apply andb_prop in H. destruct H as [Hok H].
  unfold core_opt in H. cbv zeta in H.
  set (ds := rescale_data data) in H.
  set (p := over_common (t1_point c)) in H.
  set (pb := over_common (t1_better c)) in H.
  set (r := t1_radius c) in H.
  set (gd := combine ms ds) in H.
  set (rp := risk_lq (activ n) (lossk n) [dx; h; 1%nat] ds p) in H.
  set (rb := risk_lq (activ n) (lossk n) [dx; h; 1%nat] ds pb) in H.
  rewrite !andb_true_iff in H.
  destruct H as [[[[[[[[[[[[[[[_ Hlp] Hlb] _] Hlm] Hds] Hr] _] Hcol] Hsub] Hsum0] Horth0] Hl0] Hloss] Hbl] Hlt].
  match type of Hcol with context [collect ?e] => destruct (collect e) as [scs|] eqn:Hc; [clear Hcol|discriminate] end.
  apply Nat.eqb_eq in Hlp, Hlb, Hlm.
  rewrite forallb_forall in Hds, Hsub, Horth0.
  assert (Hx : forall s, In s ds -> length (fst s) = dx).
  { intros s Hs. specialize (Hds s Hs). rewrite !andb_true_iff in Hds. apply Nat.eqb_eq, Hds. }
  assert (Hy : forall s, In s ds -> length (snd s) = 1%nat).
  { intros s Hs. specialize (Hds s Hs). rewrite !andb_true_iff in Hds. apply Nat.eqb_eq, Hds. }
  assert (HP : risk n data (params (t1_point c)) = Q2R rp).
  { rewrite <- risk_rescale_data, <- params_over_common. fold ds p.
    unfold rp. rewrite <- Hw. symmetry. apply risk_lq_R, Hok. }
  assert (HB : risk n data (params (t1_better c)) = Q2R rb).
  { rewrite <- risk_rescale_data, <- params_over_common. fold ds pb.
    unfold rb. rewrite <- Hw. symmetry. apply risk_lq_R, Hok. }
  apply qeq_R in Hl0, Hloss, Hbl. apply qlt_R in Hlt, Hr. rewrite Q2R_0 in Hr.
  split; [split|split; congruence].
  2: { exists (params (t1_better c)). split; [|congruence].
       unfold params. rewrite !map_length. congruence. }
  exists (Q2R r). split; [exact Hr|]. intros q Hq.
  rewrite HP, Hl0. rewrite <- (risk_rescale_data n data). fold ds.
  unfold near in Hq. rewrite <- params_over_common in Hq. fold p in Hq.
  assert (Hlq : length q = nparams [dx; h; 1%nat]).
  { apply Forall2_len in Hq. unfold params in Hq. rewrite map_length in Hq.
    unfold p, over_common in Hq. rewrite map_length in Hq. congruence. }
  assert (Hgd : forall gs, In gs gd -> In (snd gs) ds).
  { intros [g s] Hin. apply in_combine_r in Hin. exact Hin. }
  set (rr := fun gs : Q * sample => Q2R (fst gs)).
  set (X := fun gs : Q * sample => map Q2R (fst (snd gs))).
  set (nb := combine (rows h dx q) (firstn h (skipn (h * dx) q))).
  set (v := firstn h (skipn (h * dx + h) q)).
  set (b2 := hd 0 (skipn h (skipn (h * dx + h) q))).
  set (fitR := fun gs : Q * sample => dot (map Q2R (t1_fit_w c)) (X gs) + Q2R (t1_fit_b c)).
  set (out := fun gs : Q * sample => dot v (map (fun wb => act (activ n) (dot (fst wb) (X gs) + snd wb)) nb) + b2).
  assert (Hsum : sum (map rr gd) = 0).
  { apply qeq_R in Hsum0. rewrite qsum_R, map_map, Q2R_0 in Hsum0. exact Hsum0. }
  assert (Horth : forall l, sum (map (fun gs => rr gs * nth l (X gs) 0) gd) = 0).
  { intro l. destruct (Nat.lt_ge_cases l dx) as [L|L].
    - specialize (Horth0 l (proj2 (in_seq dx 0 l) (conj (Nat.le_0_l l) L))).
      apply qeq_R in Horth0. rewrite qsum_R, map_map, Q2R_0 in Horth0.
      transitivity (sum (map (fun gs => Q2R (fst gs * nth l (fst (snd gs)) 0)%Q) gd)); [|exact Horth0].
      apply sum_map_ext_in. intros gs _. unfold rr, X. rewrite qmul_R, nth_map_Q2R. reflexivity.
    - apply sum_map_zero_in. intros gs Hs. rewrite nth_overflow; [ring|].
      unfold X. rewrite map_length, (Hx _ (Hgd _ Hs)). exact L. }
  assert (Hpiece : Forall2 (on_piece gd (act (activ n)) X) nb scs).
  { unfold params in Hq.
    pose proof (Forall2_rows _ h dx _ _ Hq) as HW. rewrite rows_map in HW.
    pose proof (Forall2_firstn _ h _ _ (Forall2_skipn _ (h * dx) _ _ Hq)) as Hb.
    rewrite skipn_map, firstn_map in Hb.
    pose proof (Forall2_combine _ _ _ _ _ _ HW Hb) as HC. rewrite combine_map in HC.
    apply Forall2_map_r in HC.
    pose proof (Forall2_compose _ _ _ _ _ HC (collect_Forall2 _ _ _ Hc)) as HK.
    refine (Forall2_weaken _ _ _ _ _ HK).
    intros [wq bq] [s c'] [[w b] [[H1 H2] H3]] gs Hs'. simpl in *.
    apply (neuron_sound _ _ _ _ _ _ _ _ _ H3 H1 H2). apply in_map. apply Hgd, Hs'. }
  assert (Hlm' : length ms = length ds) by exact Hlm.
  (* both sides as sums over the (multiplier, sample) pairs *)
  rewrite qsum_R, map_map.
  rewrite <- (map_snd_combine ms ds Hlm'). fold gd. unfold risk. rewrite !map_map.
  apply Rle_trans with (sum (map (fun gs => ell (lossk n) (fitR gs) (Q2R (hd 0%Q (snd (snd gs)))) + rr gs * (out gs - fitR gs)) gd)).
  - rewrite sum_map_plus.
    replace (sum (map (fun gs => rr gs * (out gs - fitR gs)) gd)) with 0.
    + right. rewrite Rplus_0_r. apply sum_map_ext_in. intros gs _. rewrite ell_q_R by exact Hok.
      unfold fitv, fitR, X. rewrite qadd_R, qdot_R. reflexivity.
    + symmetry. transitivity (sum (map (fun gs => rr gs * dot v (map (fun wb => act (activ n) (dot (fst wb) (X gs) + snd wb)) nb)
                                    + (rr gs * b2 + ((-1) * (rr gs * dot (map Q2R (t1_fit_w c)) (X gs)) + rr gs * (- Q2R (t1_fit_b c))))) gd)).
      * apply sum_map_ext_in. intros gs _. unfold out, fitR. ring.
      * rewrite !sum_map_plus, sum_map_scale.
        rewrite (orth_hidden gd rr Hsum (act (activ n)) X nb scs Horth Hpiece v).
        rewrite !orth_const by exact Hsum. rewrite (orth_dot gd rr X) by exact Horth. ring.
  - apply sum_map_le. intros gs Hin. rewrite (sample_loss_1 n dx h q (snd gs) Hw Hlq (Hy _ (Hgd _ Hin))).
    specialize (Hsub gs Hin).
    pose proof (subgrad_sound _ _ _ _ (out gs) Hok Hsub) as S.
    unfold fitv in S. rewrite qadd_R, qdot_R in S.
    unfold out, fitR, rr, X in *. unfold apply_layer in *. simpl. rewrite map_map. fold nb. exact S.
Qed.

Corollary opt1_spurious n data c :
  check_opt1 n data c = true -> spurious_local_min (risk n data) (params (t1_point c)).
Proof. intro H. apply (opt1_sound n data c H). Qed.

Corollary opt1_values n data c :
  check_opt1 n data c = true ->
  risk n data (params (t1_point c)) = Q2R (t1_loss c) /\
  risk n data (params (t1_better c)) = Q2R (t1_better_loss c).
Proof. intro H. apply (opt1_sound n data c H). Qed.
