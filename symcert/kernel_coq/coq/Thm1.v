(** * Reflective checker for spurious local minima of one-hidden-layer networks
    (yun2019.thm1 certificates: interior box, affine reduction, strictly lower point).

    [check_thm1 net data c = true] implies, over the reals,
    [spurious_local_min (risk net data) (params (t1_point c))], and that the claimed risks
    at the point and at the better point are the exact risks ([thm1_sound]). *)
From Coq Require Import List QArith Reals Qreals Lra Lia.
From Symcert Require Import Defs QSem Lists Affine.
Import ListNotations.

(** ** The checker *)
Record thm1_cert := {
  t1_point : list Q; t1_better : list Q;
  t1_loss : Q; t1_better_loss : Q;
  t1_radius : Q;        (** radius of the interior_cell box *)
  t1_radii : list Q;    (** radii of the other obligations: each in (0, t1_radius] *)
  t1_fit_w : list Q; t1_fit_b : Q;
  t1_mults : option (list Q)  (** affine_optimality's multipliers: for the squared loss, the residuals *) }.

Definition qle (x y : Q) : bool := Qle_bool x y.

Fixpoint continuous (bs : list Q) (ps : list (Q * Q)) : bool :=
  match bs, ps with
  | [], [_] => true
  | b :: bs', (s, c) :: (((s', c') :: _) as ps') =>
      Qeq_bool (s * b + c) (s' * b + c') &&
      match bs' with [] => true | b' :: _ => qlt b b' end && continuous bs' ps'
  | _, _ => false
  end.

Definition in_piece (bs : list Q) (k : nat) (z rad : Q) : bool :=
  forallb (fun b => qlt b (qsub z rad)) (firstn k bs) &&
  forallb (fun b => qlt (qadd z rad) b) (skipn k bs).

Definition preact (wb : list Q * Q) (x : list Q) : Q := neuron_q (fst wb) (snd wb) x.

(** The piece of a hidden neuron: the one its pre-activation occupies on the first sample; it
    must hold every sample's pre-activation, widened by r (|x|_1 + 1), strictly inside. *)
Definition neuron_piece (a : activation) (r : Q) (xs : list (list Q)) (wb : list Q * Q)
  : option (Q * Q) :=
  match xs with
  | [] => None
  | x0 :: _ =>
      let bs := breakpoints a in
      let k := length (filter (fun b => qle b (preact wb x0)) bs) in
      if Nat.leb k (length bs) &&
         forallb (fun x => in_piece bs k (preact wb x) (r * qadd (qsum (map qabs x)) 1)%Q) xs
      then nth_error (pieces a) k else None
  end.

Fixpoint collect {A} (l : list (option A)) : option (list A) :=
  match l with
  | [] => Some []
  | Some a :: l' => match collect l' with Some r => Some (a :: r) | None => None end
  | None :: _ => None
  end.

Definition resid (fw : list Q) (fb : Q) (s : sample) : Q :=
  qsub (neuron_q fw fb (fst s)) (hd 0%Q (snd s)).

Definition normal_eqs (dx : nat) (fw : list Q) (fb : Q) (data : list sample) : bool :=
  let rx := map (fun s => (resid fw fb s, fst s)) data in  (* each residual computed once *)
  Qeq_bool (qsum (map fst rx)) 0 &&
  forallb (fun l => Qeq_bool (qsum (map (fun p => qmul (fst p) (nth l (snd p) 0%Q)) rx)) 0)
          (seq 0 dx).

Definition rescale_data (data : list sample) : list sample :=
  let dX := common_den (flat_map fst data) in
  let dY := common_den (flat_map snd data) in
  map (fun s => (map (rescale dX) (fst s), map (rescale dY) (snd s))) data.

Definition check_core (a : activation) (dx h : nat) (data : list sample) (c : thm1_cert) : bool :=
  let ws := [dx; h; 1%nat] in
  let p := over_common (t1_point c) in
  let pb := over_common (t1_better c) in
  let dF := common_den (t1_fit_b c :: t1_fit_w c) in
  let fw := map (rescale dF) (t1_fit_w c) in
  let fb := rescale dF (t1_fit_b c) in
  let r := t1_radius c in
  let W1 := rows h dx p in
  let b1 := firstn h (skipn (h * dx) p) in
  let rp := risk_q a ws data p in
  let rb := risk_q a ws data pb in
  let l0 := half_sq_sum (map (resid fw fb) data) in
  continuous (breakpoints a) (pieces a) &&
  Nat.eqb (length (t1_point c)) (nparams ws) && Nat.eqb (length (t1_better c)) (nparams ws) &&
  Nat.eqb (length (t1_fit_w c)) dx &&
  forallb (fun s => Nat.eqb (length (fst s)) dx && Nat.eqb (length (snd s)) 1) data &&
  qlt 0 r && forallb (fun r' => qlt 0 r' && qle r' r) (t1_radii c) &&
  match collect (map (neuron_piece a r (map fst data)) (combine W1 b1)) with
  | Some _ => true | None => false end &&
  normal_eqs dx fw fb data &&
  Qeq_bool rp l0 && Qeq_bool rp (t1_loss c) && Qeq_bool rb (t1_better_loss c) && qlt rb rp &&
  match t1_mults c with
  | None => true
  | Some ms => Nat.eqb (length ms) (length data) &&
               forallb (fun gs => Qeq_bool (fst gs) (resid fw fb (snd gs))) (combine ms data)
  end.

Definition shape2 (ws : list nat) : option (nat * nat) :=
  match ws with [dx; h; 1%nat] => Some (dx, h) | _ => None end.

Definition is_squared (l : loss) : bool := match l with Squared => true | _ => false end.

Definition check_thm1 (n : network) (data : list sample) (c : thm1_cert) : bool :=
  match shape2 (widths n) with
  | Some (dx, h) => is_squared (lossk n) && check_core (activ n) dx h (rescale_data data) c
  | None => false
  end.

(** ** Soundness *)
Local Open Scope R_scope.

Lemma shape2_spec ws dx h : shape2 ws = Some (dx, h) -> ws = [dx; h; 1%nat].
Proof.
  unfold shape2. destruct ws as [|a [|b [|[|[|]] [|]]]]; intro H; try discriminate.
  injection H as -> ->. reflexivity.
Qed.

Lemma is_squared_spec l : is_squared l = true -> l = Squared.
Proof. destruct l; simpl; congruence. Qed.

Lemma collect_Forall2 {A B} (f : A -> option B) l r :
  collect (map f l) = Some r -> Forall2 (fun a b => f a = Some b) l r.
Proof.
  revert r; induction l as [|a l IH]; intros r H; simpl in H.
  - injection H as <-. constructor.
  - destruct (f a) eqn:Ea; [|discriminate].
    destruct (collect (map f l)) eqn:El; [|discriminate].
    injection H as <-. constructor; auto.
Qed.

Lemma risk_rescale_data n data p : risk n (rescale_data data) p = risk n data p.
Proof.
  unfold risk, rescale_data. rewrite map_map. f_equal. apply map_ext. intros [x y].
  unfold sample_loss; simpl. rewrite !map_map.
  replace (map (fun v => Q2R (rescale _ v)) x) with (map Q2R x)
    by (apply map_ext; intro; symmetry; apply rescale_R).
  replace (map (fun v => Q2R (rescale _ v)) y) with (map Q2R y)
    by (apply map_ext; intro; symmetry; apply rescale_R).
  reflexivity.
Qed.

Lemma params_over_common l : params (over_common l) = params l.
Proof. apply over_common_R. Qed.

Lemma preact_R wb x : Q2R (preact wb x) = dot (map Q2R (fst wb)) (map Q2R x) + Q2R (snd wb).
Proof. unfold preact. apply neuron_q_R. Qed.

Lemma radius_R r x :
  Q2R (r * qadd (qsum (map qabs x)) 1)%Q = Q2R r * (sum (map Rabs (map Q2R x)) + 1).
Proof.
  rewrite qmul_R, qadd_R, qsum_R, Q2R_1, !map_map.
  f_equal. f_equal. f_equal. apply map_ext. apply qabs_R.
Qed.

Lemma neuron_sound a r xs w b s c wq bq :
  neuron_piece a r xs (w, b) = Some (s, c) ->
  Forall2 (fun u v => Rabs (u - v) < Q2R r) wq (map Q2R w) -> Rabs (bq - Q2R b) < Q2R r ->
  forall x, In x xs ->
    act a (dot wq (map Q2R x) + bq) = Q2R s * (dot wq (map Q2R x) + bq) + Q2R c.
Proof.
  intros Hn Hw Hb x Hx. unfold neuron_piece in Hn. destruct xs as [|x0 xs']; [discriminate|].
  set (k := length _) in Hn.
  destruct (Nat.leb k (length (breakpoints a)) && _) eqn:E; [|discriminate].
  apply andb_prop in E. destruct E as [Hk Hall]. apply Nat.leb_le in Hk.
  rewrite forallb_forall in Hall. specialize (Hall x Hx).
  unfold in_piece in Hall. apply andb_prop in Hall. destruct Hall as [Hlo Hhi].
  rewrite forallb_forall in Hlo, Hhi.
  assert (Hr : 0 <= Q2R r) by (pose proof (Rabs_pos (bq - Q2R b)); lra).
  pose proof (dot_close (Q2R r) wq (map Q2R w) (map Q2R x) Hr Hw) as Hd.
  set (zq := dot wq (map Q2R x) + bq).
  set (zp := Q2R (preact (w, b) x)).
  set (rad := Q2R (r * qadd (qsum (map qabs x)) 1)%Q).
  assert (Hz : Rabs (zq - zp) <= rad).
  { unfold zq, zp, rad. rewrite preact_R, radius_R. simpl.
    replace (dot wq (map Q2R x) + bq - (dot (map Q2R w) (map Q2R x) + Q2R b))
      with ((dot wq (map Q2R x) - dot (map Q2R w) (map Q2R x)) + (bq - Q2R b)) by ring.
    eapply Rle_trans; [apply Rabs_triang|]. lra. }
  pose proof (Rle_abs (zq - zp)) as A1. pose proof (Rle_abs (zp - zq)) as A2.
  rewrite Rabs_minus_sym in A2.
  unfold act. apply (pl_piece k); auto.
  - intros b' Hb'. specialize (Hlo b' Hb'). apply qlt_R in Hlo. rewrite qsub_R in Hlo.
    fold zp rad in Hlo. lra.
  - intros b' Hb'. specialize (Hhi b' Hb'). apply qlt_R in Hhi. rewrite qadd_R in Hhi.
    fold zp rad in Hhi. lra.
Qed.

Lemma nth_map_Q2R l (x : list Q) : nth l (map Q2R x) 0 = Q2R (nth l x 0%Q).
Proof.
  revert l; induction x as [|a x IH]; intros [|l]; simpl; auto; symmetry; apply Q2R_0.
Qed.

Lemma normal_sound dx fw fb ds :
  normal_eqs dx fw fb ds = true -> (forall s, In s ds -> length (fst s) = dx) ->
  sum (map (fun s => Q2R (resid fw fb s)) ds) = 0 /\
  forall l, sum (map (fun s => Q2R (resid fw fb s) * nth l (map Q2R (fst s)) 0) ds) = 0.
Proof.
  unfold normal_eqs. cbv zeta. rewrite !map_map. intros H Hlen. apply andb_prop in H. destruct H as [H0 H1]. split.
  - apply qeq_R in H0. rewrite qsum_R, map_map, Q2R_0 in H0. exact H0.
  - intro l. destruct (Nat.lt_ge_cases l dx) as [L|L].
    + rewrite forallb_forall in H1. specialize (H1 l (proj2 (in_seq dx 0 l) (conj (Nat.le_0_l l) L))).
      apply qeq_R in H1. rewrite qsum_R, !map_map, Q2R_0 in H1.
      transitivity (sum (map (fun s => Q2R (qmul (resid fw fb s) (nth l (fst s) 0%Q))) ds)); [|exact H1].
      apply sum_map_ext_in. intros s _. rewrite qmul_eq, qmul_R, nth_map_Q2R. reflexivity.
    + apply sum_map_zero_in. intros s Hs. rewrite nth_overflow; [ring|].
      rewrite map_length, Hlen by exact Hs. exact L.
Qed.

Lemma resid_R fw fb s :
  Q2R (resid fw fb s) = dot (map Q2R fw) (map Q2R (fst s)) + Q2R fb - Q2R (hd 0%Q (snd s)).
Proof. unfold resid. rewrite qsub_R, neuron_q_R. reflexivity. Qed.

Lemma half_sq_R x : Q2R (x * x * (1 # 2))%Q = Q2R x ^ 2 / 2.
Proof. rewrite !qmul_R. replace (Q2R (1 # 2)) with (/ 2) by (unfold Q2R; simpl; field). field. Qed.

Ltac split_and H :=
  repeat match type of H with
  | (_ && _) = true => let H' := fresh "C" in apply andb_prop in H; destruct H as [H H']
  end.

Theorem thm1_sound n data c :
  check_thm1 n data c = true ->
  spurious_local_min (risk n data) (params (t1_point c)) /\
  risk n data (params (t1_point c)) = Q2R (t1_loss c) /\
  risk n data (params (t1_better c)) = Q2R (t1_better_loss c).
Proof.
  unfold check_thm1. destruct (shape2 (widths n)) as [[dx h]|] eqn:Hw; [|discriminate].
  apply shape2_spec in Hw. intro H. apply andb_prop in H. destruct H as [Hl H].
  apply is_squared_spec in Hl. unfold check_core in H. cbv zeta in H.
  set (ds := rescale_data data) in H.
  set (p := over_common (t1_point c)) in H.
  set (pb := over_common (t1_better c)) in H.
  set (dF := common_den (t1_fit_b c :: t1_fit_w c)) in H.
  set (fw := map (rescale dF) (t1_fit_w c)) in H.
  set (fb := rescale dF (t1_fit_b c)) in H.
  set (r := t1_radius c) in H.
  set (rp := risk_q (activ n) [dx; h; 1%nat] ds p) in H.
  set (rb := risk_q (activ n) [dx; h; 1%nat] ds pb) in H.
  set (l0 := half_sq_sum (map (resid fw fb) ds)) in H.
  split_and H.
  rename H into Hcont, C11 into Hlp, C10 into Hlb, C9 into Hlf, C8 into Hds, C7 into Hr,
    C6 into Hradii, C5 into Hcol, C4 into Hne, C3 into Hl0, C2 into Hloss, C1 into Hbl, C0 into Hlt.
  clear C.
  destruct (collect (map (neuron_piece (activ n) r (map fst ds)) (combine (rows h dx p) (firstn h (skipn (h * dx) p))))) as [scs|] eqn:Hc; [clear Hcol|discriminate].
  apply Nat.eqb_eq in Hlp, Hlb.
  rewrite forallb_forall in Hds.
  assert (Hx : forall s, In s ds -> length (fst s) = dx)
    by (intros s Hs; specialize (Hds s Hs); apply andb_prop in Hds; apply Nat.eqb_eq, Hds).
  assert (Hy : forall s, In s ds -> length (snd s) = 1%nat)
    by (intros s Hs; specialize (Hds s Hs); apply andb_prop in Hds; apply Nat.eqb_eq, Hds).
  destruct (normal_sound dx fw fb ds Hne Hx) as [Hsum Horth].
  assert (HP : risk n data (params (t1_point c)) = Q2R rp).
  { rewrite <- risk_rescale_data, <- params_over_common. fold ds p.
    unfold rp. rewrite <- Hw. symmetry. apply risk_q_R, Hl. }
  assert (HB : risk n data (params (t1_better c)) = Q2R rb).
  { rewrite <- risk_rescale_data, <- params_over_common. fold ds pb.
    unfold rb. rewrite <- Hw. symmetry. apply risk_q_R, Hl. }
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
  set (rr := fun s => Q2R (resid fw fb s)).
  set (X := fun s : sample => map Q2R (fst s)).
  set (nb := combine (rows h dx q) (firstn h (skipn (h * dx) q))).
  set (v := firstn h (skipn (h * dx + h) q)).
  set (b2 := hd 0 (skipn h (skipn (h * dx + h) q))).
  set (fitv := fun s => dot (map Q2R fw) (X s) + Q2R fb).
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
  apply Rle_trans with (sum (map (fun s => rr s ^ 2 / 2) ds)).
  { unfold l0. rewrite half_sq_sum_R, map_map. right. apply sum_map_ext_in. intros s _. unfold half_sq. rewrite !qmul_eq. apply half_sq_R. }
  apply Rle_trans with (sum (map (fun s => (dot v (map (act (activ n)) (apply_layer (rows h dx q, firstn h (skipn (h * dx) q)) (X s))) + b2 - Q2R (hd 0%Q (snd s))) ^ 2 / 2) ds)).
  2: { right. unfold risk. apply sum_map_ext_in. intros s Hs. symmetry. apply sample_loss_2; auto. }
  apply sq_ge.
  transitivity (sum (map (fun s => rr s * dot v (map (fun wb => act (activ n) (dot (fst wb) (X s) + snd wb)) nb)
                                    + (rr s * b2 + ((-1) * (rr s * dot (map Q2R fw) (X s)) + rr s * (- Q2R fb)))) ds)).
  - apply sum_map_ext_in. intros s _. unfold rr. rewrite resid_R. unfold apply_layer, X. simpl.
    rewrite map_map. fold nb. ring.
  - rewrite !sum_map_plus, sum_map_scale.
    rewrite (orth_hidden ds rr Hsum (act (activ n)) X nb scs Horth Hpiece v).
    rewrite !orth_const by exact Hsum. rewrite (orth_dot ds rr X) by exact Horth. ring.
Qed.

Corollary thm1_spurious n data c :
  check_thm1 n data c = true -> spurious_local_min (risk n data) (params (t1_point c)).
Proof. intro H. apply (thm1_sound n data c H). Qed.

Corollary thm1_values n data c :
  check_thm1 n data c = true ->
  risk n data (params (t1_point c)) = Q2R (t1_loss c) /\
  risk n data (params (t1_better c)) = Q2R (t1_better_loss c).
Proof. intro H. apply (thm1_sound n data c H). Qed.
