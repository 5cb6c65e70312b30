(** * Reflective checker for local minima on activation-cell boundaries (yun2018 [cell_cover]
    certificates whose cells are all settled by the affine-exceptions argument).

    One hidden layer, scalar output, squared loss. Some hidden pre-activations may sit exactly on
    a breakpoint, but only on samples where the certificate's affine fit has residual 0. On the
    other samples (the "live" ones, nonzero residual) every hidden neuron stays strictly inside
    one piece over the box of radius [r], so there the network output is an affine function of
    the input; on the samples of residual 0 the loss is at least 0 whatever the pieces.
    [cover_sound]: if [check_cover net data c = true], the point is a local minimum of the real
    risk and its risk is the claimed one. *)
From Coq Require Import List QArith Reals Qreals Lra Lia.
From Symcert Require Import Defs QSem Lists Affine Thm1.
Import ListNotations.

Record cover_cert := {
  cv_point : list Q; cv_loss : Q;
  cv_radius : Q;        (** radius of the box of the cell_cover obligation *)
  cv_fit_w : list Q; cv_fit_b : Q }.

Definition live (fw : list Q) (fb : Q) (ds : list sample) : list sample :=
  filter (fun s => negb (Qeq_bool (resid fw fb s) 0)) ds.

Definition cover_core (a : activation) (dx h : nat) (ds : list sample) (c : cover_cert) : bool :=
  let ws := [dx; h; 1%nat] in
  let p := over_common (cv_point c) in
  let dF := common_den (cv_fit_b c :: cv_fit_w c) in
  let fw := map (rescale dF) (cv_fit_w c) in
  let fb := rescale dF (cv_fit_b c) in
  let r := cv_radius c in
  let lv := live fw fb ds in
  let rp := risk_q a ws ds p in
  let l0 := qsum (map (fun s => resid fw fb s * resid fw fb s * (1 # 2))%Q lv) in
  continuous (breakpoints a) (pieces a) &&
  Nat.eqb (length (cv_point c)) (nparams ws) && Nat.eqb (length (cv_fit_w c)) dx &&
  forallb (fun s => Nat.eqb (length (fst s)) dx && Nat.eqb (length (snd s)) 1) ds &&
  qlt 0 r &&
  match collect (map (neuron_piece a r (map fst lv)) (combine (rows h dx p) (firstn h (skipn (h * dx) p)))) with
  | Some _ => true | None => false end &&
  normal_eqs dx fw fb lv &&
  Qeq_bool rp l0 && Qeq_bool rp (cv_loss c).

Definition check_cover (n : network) (data : list sample) (c : cover_cert) : bool :=
  match shape2 (widths n) with
  | Some (dx, h) => is_squared (lossk n) && cover_core (activ n) dx h (rescale_data data) c
  | None => false
  end.

(** ** Soundness *)
Local Open Scope R_scope.

Lemma sum_filter {A} (f : A -> R) (P : A -> bool) l :
  sum (map f l) = sum (map f (filter P l)) + sum (map f (filter (fun x => negb (P x)) l)).
Proof.
  induction l as [|a l IH]; simpl; [lra|].
  destruct (P a); simpl; rewrite IH; lra.
Qed.

(** The squared-loss risk of a one-hidden-layer network is at least the affine fit's residual
    sum of squares on samples where every hidden neuron keeps one piece (the argument of
    [thm1_sound], for any list of samples). *)
Lemma box_lower n dx h ds p r fw fb scs q :
  widths n = [dx; h; 1%nat] -> lossk n = Squared ->
  (forall s, In s ds -> length (fst s) = dx /\ length (snd s) = 1%nat) ->
  normal_eqs dx fw fb ds = true ->
  collect (map (neuron_piece (activ n) r (map fst ds)) (combine (rows h dx p) (firstn h (skipn (h * dx) p)))) = Some scs ->
  length p = nparams [dx; h; 1%nat] ->
  Forall2 (fun a b => Rabs (a - b) < Q2R r) q (params p) ->
  sum (map (fun s => Q2R (resid fw fb s) ^ 2 / 2) ds) <= sum (map (sample_loss n q) ds).
Proof.
  intros Hw Hl Hds Hne Hc Hlp Hq.
  assert (Hx : forall s, In s ds -> length (fst s) = dx) by (intros s Hs; apply Hds, Hs).
  assert (Hy : forall s, In s ds -> length (snd s) = 1%nat) by (intros s Hs; apply Hds, Hs).
  destruct (normal_sound dx fw fb ds Hne Hx) as [Hsum Horth].
  assert (Hlq : length q = nparams [dx; h; 1%nat]).
  { apply Forall2_len in Hq. unfold params in Hq. rewrite map_length in Hq. congruence. }
  set (rr := fun s => Q2R (resid fw fb s)).
  set (X := fun s : sample => map Q2R (fst s)).
  set (nb := combine (rows h dx q) (firstn h (skipn (h * dx) q))).
  set (v := firstn h (skipn (h * dx + h) q)).
  set (b2 := hd 0 (skipn h (skipn (h * dx + h) q))).
  assert (Hpiece : Forall2 (on_piece ds (act (activ n)) X) nb scs).
  { unfold params in Hq.
    pose proof (Forall2_rows _ h dx _ _ Hq) as HW. rewrite rows_map in HW.
    pose proof (Forall2_firstn _ h _ _ (Forall2_skipn _ (h * dx) _ _ Hq)) as Hb.
    rewrite skipn_map, firstn_map in Hb.
    pose proof (Forall2_combine _ _ _ _ _ _ HW Hb) as HC. rewrite combine_map in HC.
    apply Forall2_map_r in HC.
    pose proof (Forall2_compose _ _ _ _ _ HC (collect_Forall2 _ _ _ Hc)) as HK.
    refine (Forall2_weaken _ _ _ _ _ HK).
    intros [wq bq] [s c'] [[w b] [[H1 H2] H3]] s' Hs'. simpl in *.
    apply (neuron_sound _ _ _ _ _ _ _ _ _ H3 H1 H2). apply in_map. exact Hs'. }
  change (sum (map (fun s => rr s ^ 2 / 2) ds) <= sum (map (sample_loss n q) ds)).
  apply Rle_trans with (sum (map (fun s => (dot v (map (act (activ n)) (apply_layer (rows h dx q, firstn h (skipn (h * dx) q)) (X s))) + b2 - Q2R (hd 0%Q (snd s))) ^ 2 / 2) ds)).
  2: { right. apply sum_map_ext_in. intros s Hs. symmetry. apply sample_loss_2; auto. }
  apply sq_ge.
  transitivity (sum (map (fun s => rr s * dot v (map (fun wb => act (activ n) (dot (fst wb) (X s) + snd wb)) nb)
                                    + (rr s * b2 + ((-1) * (rr s * dot (map Q2R fw) (X s)) + rr s * (- Q2R fb)))) ds)).
  - apply sum_map_ext_in. intros s _. unfold rr. rewrite resid_R. unfold apply_layer, X. simpl.
    rewrite map_map. fold nb. ring.
  - rewrite !sum_map_plus, sum_map_scale.
    rewrite (@orth_hidden sample ds rr Hsum (act (activ n)) X nb scs Horth Hpiece v).
    rewrite !(@orth_const sample) by exact Hsum. rewrite (@orth_dot sample ds rr X) by exact Horth. ring.
Qed.

Theorem cover_sound n data c :
  check_cover n data c = true ->
  local_min (risk n data) (params (cv_point c)) /\
  risk n data (params (cv_point c)) = Q2R (cv_loss c).
Proof.
  unfold check_cover. destruct (shape2 (widths n)) as [[dx h]|] eqn:Hw; [|discriminate].
  apply shape2_spec in Hw. intro H. apply andb_prop in H. destruct H as [Hl H].
  apply is_squared_spec in Hl. unfold cover_core in H. cbv zeta in H.
  set (ds := rescale_data data) in H.
  set (p := over_common (cv_point c)) in H.
  set (dF := common_den (cv_fit_b c :: cv_fit_w c)) in H.
  set (fw := map (rescale dF) (cv_fit_w c)) in H.
  set (fb := rescale dF (cv_fit_b c)) in H.
  set (r := cv_radius c) in H.
  set (lv := live fw fb ds) in H.
  set (rp := risk_q (activ n) [dx; h; 1%nat] ds p) in H.
  set (l0 := qsum (map (fun s => resid fw fb s * resid fw fb s * (1 # 2))%Q lv)) in H.
  split_and H.
  rename H into Hcont, C6 into Hlp, C5 into Hlf, C4 into Hds, C3 into Hr,
    C2 into Hcol, C1 into Hne, C0 into Hl0, C into Hloss.
  destruct (collect (map (neuron_piece (activ n) r (map fst lv)) (combine (rows h dx p) (firstn h (skipn (h * dx) p))))) as [scs|] eqn:Hc; [clear Hcol|discriminate].
  apply Nat.eqb_eq in Hlp.
  rewrite forallb_forall in Hds.
  assert (Hds' : forall s, In s ds -> length (fst s) = dx /\ length (snd s) = 1%nat).
  { intros s Hs. specialize (Hds s Hs). apply andb_prop in Hds. split; apply Nat.eqb_eq, Hds. }
  assert (Hlv : forall s, In s lv -> length (fst s) = dx /\ length (snd s) = 1%nat).
  { intros s Hs. apply Hds'. unfold lv, live in Hs. apply filter_In in Hs. apply Hs. }
  assert (HP : risk n data (params (cv_point c)) = Q2R rp).
  { rewrite <- risk_rescale_data, <- params_over_common. fold ds p.
    unfold rp. rewrite <- Hw. symmetry. apply risk_q_R, Hl. }
  apply qeq_R in Hl0, Hloss. apply qlt_R in Hr. rewrite Q2R_0 in Hr.
  split; [|congruence].
  exists (Q2R r). split; [exact Hr|]. intros q Hq.
  rewrite HP, Hl0. rewrite <- (risk_rescale_data n data). fold ds.
  unfold near in Hq. rewrite <- params_over_common in Hq. fold p in Hq.
  assert (Hlp' : length p = nparams [dx; h; 1%nat]).
  { unfold p, over_common. rewrite map_length. exact Hlp. }
  unfold risk. rewrite (sum_filter _ (fun s => negb (Qeq_bool (resid fw fb s) 0)) ds).
  fold (live fw fb ds). fold lv.
  assert (Hz : 0 <= sum (map (sample_loss n q) (filter (fun x => negb (negb (Qeq_bool (resid fw fb x) 0))) ds))).
  { rewrite <- (sum_map_zero (fun _ : sample => 0) (filter (fun x => negb (negb (Qeq_bool (resid fw fb x) 0))) ds)) by reflexivity.
    apply sum_map_le. intros s Hs. apply filter_In in Hs. destruct Hs as [Hs _].
    assert (Hlq : length q = nparams [dx; h; 1%nat]).
    { apply Forall2_len in Hq. unfold params in Hq. rewrite map_length in Hq. congruence. }
    rewrite (sample_loss_2 n dx h q s Hw Hl Hlq (proj2 (Hds' s Hs))).
    match goal with |- _ <= ?e ^ 2 / 2 => pose proof (pow2_ge_0 e) end. lra. }
  pose proof (box_lower n dx h lv p r fw fb scs q Hw Hl Hlv Hne Hc Hlp' Hq) as HB.
  assert (E : Q2R l0 = sum (map (fun s => Q2R (resid fw fb s) ^ 2 / 2) lv)).
  { unfold l0. rewrite qsum_R, map_map. apply sum_map_ext_in. intros s _. apply half_sq_R. }
  lra.
Qed.

Corollary cover_local_min n data c :
  check_cover n data c = true -> local_min (risk n data) (params (cv_point c)).
Proof. intro H. apply (cover_sound n data c H). Qed.

Corollary cover_value n data c :
  check_cover n data c = true -> risk n data (params (cv_point c)) = Q2R (cv_loss c).
Proof. intro H. apply (cover_sound n data c H). Qed.
