(** * Reflective checker for global minima of networks with an affine activation (deep linear
    networks, yun2019.thm4), squared loss, by the exact normal equations.

    With an activation of one piece [t -> s t + k], every parameter vector computes, output by
    output, an affine map of the input. The checker computes the network at the point, checks
    that it equals the certificate's end-to-end map [x -> P x + c] on every sample, and that the
    residuals [P x_j + c - y_j] satisfy the normal equations (each output's residuals sum to 0
    and are orthogonal to every input coordinate). [linear_sound]: the point is then a global
    minimum of the real risk: for every affine map the squared loss is at least the loss of the
    least-squares fit [P, c], and every parameter vector computes an affine map. *)
From Coq Require Import List QArith Reals Qreals Lra Lia.
From Symcert Require Import Defs QSem Lists Affine Thm1 Curves Subgrad.
Import ListNotations.

(** ** The checker *)
Definition affine_act (a : activation) : bool :=
  match breakpoints a, pieces a with [], [_] => true | _, _ => false end.

Definition fit_q (P : list (list Q)) (c : list Q) (x : list Q) : list Q :=
  map (fun pc => qadd (qdot (fst pc) x) (snd pc)) (combine P c).

Fixpoint list_eqb (u v : list Q) : bool :=
  match u, v with
  | [], [] => true
  | a :: u', b :: v' => Qeq_bool a b && list_eqb u' v'
  | _, _ => false
  end.

(** Output [i] of the end-to-end map on sample [s], and the derivative of the loss there (for
    the squared loss the residual). *)
Definition lfit (P : list (list Q)) (c : list Q) (i : nat) (s : sample) : Q :=
  qadd (qdot (nth i P []) (fst s)) (nth i c 0%Q).

Definition lgrad (l : loss) (P : list (list Q)) (c : list Q) (i : nat) (s : sample) : Q :=
  dloss l (lfit P c i s) (nth i (snd s) 0%Q).

Definition check_linear (n : network) (data : list sample) (p : list Q) (P : list (list Q)) (c : list Q) : bool :=
  let ws := widths n in
  let dx := hd 0%nat ws in
  let dy := last ws 0%nat in
  loss_ok (lossk n) && affine_act (activ n) && Nat.leb 2 (length ws) &&
  Nat.eqb (length p) (nparams ws) && Nat.eqb (length P) dy && Nat.eqb (length c) dy &&
  forallb (fun s => Nat.eqb (length (fst s)) dx && Nat.eqb (length (snd s)) dy &&
                    list_eqb (forward_q (act_q (activ n)) (layers ws p) (fst s)) (fit_q P c (fst s))) data &&
  forallb (fun i => forallb (fun s => subgrad (lossk n) (lfit P c i s) (nth i (snd s) 0%Q) (lgrad (lossk n) P c i s)) data &&
                    Qeq_bool (qsum (map (lgrad (lossk n) P c i) data)) 0 &&
                    forallb (fun k => Qeq_bool (qsum (map (fun s => lgrad (lossk n) P c i s * nth k (fst s) 0)%Q data)) 0)
                            (seq 0 dx))
          (seq 0 dy) &&
  (* the end-to-end map is the network's also at 0 and at the unit vectors (as the Python checker
     computes it); not needed for the conclusion *)
  forallb (fun x => list_eqb (forward_q (act_q (activ n)) (layers ws p) x) (fit_q P c x))
          (repeat 0%Q dx :: map (fun j => map (fun k => if Nat.eqb j k then 1%Q else 0%Q) (seq 0 dx)) (seq 0 dx)).

(** ** Soundness *)
Local Open Scope R_scope.

Definition aff (g : list R -> R) : Prop := exists al be, forall x, g x = dot al x + be.

Fixpoint vadd (u v : list R) : list R :=
  match u, v with
  | [], _ => v
  | _, [] => u
  | a :: u', b :: v' => (a + b) :: vadd u' v'
  end.

Lemma dot_vadd u v x : dot (vadd u v) x = dot u x + dot v x.
Proof.
  revert v x; induction u as [|a u IH]; intros [|b v] [|xi x]; simpl; try ring. rewrite IH. ring.
Qed.

Lemma dot_scale r u x : dot (map (Rmult r) u) x = r * dot u x.
Proof. revert x; induction u as [|a u IH]; intros [|xi x]; simpl; try ring. rewrite IH. ring. Qed.

Lemma aff_ext g g' : (forall x, g x = g' x) -> aff g' -> aff g.
Proof. intros E [al [be H]]. exists al, be. intro x. rewrite E. apply H. Qed.

Lemma aff_add g1 g2 : aff g1 -> aff g2 -> aff (fun x => g1 x + g2 x).
Proof.
  intros [a1 [b1 H1]] [a2 [b2 H2]]. exists (vadd a1 a2), (b1 + b2). intro x.
  rewrite H1, H2, dot_vadd. ring.
Qed.

Lemma aff_lin r k g : aff g -> aff (fun x => r * g x + k).
Proof.
  intros [a [b H]]. exists (map (Rmult r) a), (r * b + k). intro x. rewrite H, dot_scale. ring.
Qed.

Lemma aff_const k : aff (fun _ => k).
Proof. exists [], k. intro x. simpl. ring. Qed.

Lemma aff_dotF F : Forall aff F -> forall w b, aff (fun x => dot w (map (fun g => g x) F) + b).
Proof.
  induction 1 as [|g F Hg HF IH]; intros w b.
  - apply (aff_ext _ (fun _ => b)); [intro x; simpl; rewrite dot_nil_r; ring|apply aff_const].
  - destruct w as [|wi w].
    + apply (aff_ext _ (fun _ => b)); [intro x; simpl; ring|apply aff_const].
    + apply (aff_ext _ (fun x => (wi * g x + 0) + (dot w (map (fun g => g x) F) + b))).
      * intro x. simpl. ring.
      * apply aff_add; [apply aff_lin, Hg|apply IH].
Qed.

Lemma forward_cons h L ls y : ls <> [] -> forward h (L :: ls) y = forward h ls (map h (apply_layer L y)).
Proof. destruct ls; [congruence|reflexivity]. Qed.

Lemma forward_aff h s k (Hh : forall t, h t = s * t + k) ls F :
  Forall aff F -> exists F', Forall aff F' /\ forall x, forward h ls (map (fun g => g x) F) = map (fun g => g x) F'.
Proof.
  revert F; induction ls as [|L ls IH]; intros F HF; [exists F; split; auto|].
  set (F1 := map (fun wb x => dot (fst wb) (map (fun g => g x) F) + snd wb) (combine (fst L) (snd L))).
  assert (HF1 : Forall aff F1).
  { apply Forall_forall. intros g Hg. unfold F1 in Hg. apply in_map_iff in Hg.
    destruct Hg as [wb [<- _]]. apply aff_dotF, HF. }
  assert (E1 : forall x, apply_layer L (map (fun g => g x) F) = map (fun g => g x) F1).
  { intro x. unfold apply_layer, F1. rewrite map_map. reflexivity. }
  destruct ls as [|L' ls'].
  - exists F1. split; [exact HF1|]. intro x. apply E1.
  - set (F2 := map (fun g x => h (g x)) F1).
    assert (HF2 : Forall aff F2).
    { apply Forall_forall. intros g Hg. unfold F2 in Hg. apply in_map_iff in Hg.
      destruct Hg as [g1 [<- Hg1]]. apply (aff_ext _ (fun x => s * g1 x + k)); [intro; apply Hh|].
      apply aff_lin. rewrite Forall_forall in HF1. apply HF1, Hg1. }
    destruct (IH F2 HF2) as [F' [HF' E']]. exists F'. split; [exact HF'|]. intro x.
    rewrite forward_cons by discriminate. rewrite E1, map_map, <- E'. unfold F2. rewrite map_map. reflexivity.
Qed.

Definition coords (d : nat) : list (list R -> R) := map (fun k x => nth k x 0) (seq 0 d).

Lemma aff_nth k : aff (fun x => nth k x 0).
Proof.
  induction k as [|k [al [be IH]]].
  - exists [1], 0. intro x. rewrite dot_cons. simpl. ring.
  - exists (0 :: al), be. intro x. rewrite dot_cons, <- nth_tl, IH. ring.
Qed.

Lemma coords_aff d : Forall aff (coords d).
Proof.
  apply Forall_forall. intros g Hg. unfold coords in Hg. apply in_map_iff in Hg.
  destruct Hg as [k [<- _]]. apply aff_nth.
Qed.

Lemma coords_self x : map (fun g => g x) (coords (length x)) = x.
Proof.
  unfold coords. rewrite map_map.
  induction x as [|a x IH]; [reflexivity|]. simpl. f_equal.
  rewrite <- seq_shift, map_map. exact IH.
Qed.

Lemma rows_length {A} r c (p : list A) : length (rows r c p) = r.
Proof. revert p; induction r; intro p; simpl; auto. Qed.

Lemma forward_length h ws q x :
  (2 <= length ws)%nat -> length q = nparams ws -> length (forward h (layers ws q) x) = last ws 0%nat.
Proof.
  revert q x; induction ws as [|n_in ws IH]; intros q x Hl Hq; simpl in Hl; [lia|].
  destruct ws as [|n_out ws']; simpl in Hl; [lia|].
  change (layers (n_in :: n_out :: ws') q) with
    ((rows n_out n_in q, firstn n_out (skipn (n_out * n_in) q))
       :: layers (n_out :: ws') (skipn (n_out * n_in + n_out) q)).
  simpl in Hq.
  assert (HL : forall y, length (apply_layer (rows n_out n_in q, firstn n_out (skipn (n_out * n_in) q)) y) = n_out).
  { intro y. unfold apply_layer. simpl. rewrite map_length, combine_length, rows_length, firstn_length, skipn_length. lia. }
  destruct ws' as [|n3 ws''].
  - simpl. apply HL.
  - rewrite forward_cons by discriminate. rewrite IH; [reflexivity|simpl; lia|].
    rewrite skipn_length, Hq. cbn [nparams]. lia.
Qed.

Lemma sum_combine_seq (f : R * R -> R) u v :
  length u = length v ->
  sum (map f (combine u v)) = sum (map (fun i => f (nth i u 0, nth i v 0)) (seq 0 (length u))).
Proof.
  revert v; induction u as [|a u IH]; intros [|b v] H; simpl in H; try discriminate; [reflexivity|].
  simpl. rewrite IH by lia. f_equal. rewrite <- seq_shift, map_map. reflexivity.
Qed.

Lemma sum_swap {A B} (f : A -> B -> R) l1 l2 :
  sum (map (fun a => sum (map (fun b => f a b) l2)) l1) = sum (map (fun b => sum (map (fun a => f a b) l1)) l2).
Proof.
  induction l1 as [|a l1 IH]; simpl.
  - symmetry. apply sum_map_zero. reflexivity.
  - rewrite IH. symmetry. apply (sum_map_plus (fun b => f a b)).
Qed.

Lemma nth_map_ev (G : list (list R -> R)) x i : nth i (map (fun g => g x) G) 0 = nth i G (fun _ => 0) x.
Proof. revert i; induction G as [|g G IH]; intros [|i]; simpl; auto. Qed.

Lemma aff_nth_F G i : Forall aff G -> aff (nth i G (fun _ => 0)).
Proof.
  intro H. revert i; induction H as [|g G Hg H IH]; intros [|i]; simpl; auto; apply aff_const.
Qed.

Lemma list_eqb_R u v : list_eqb u v = true -> map Q2R u = map Q2R v.
Proof.
  revert v; induction u as [|a u IH]; intros [|b v] H; simpl in H; try discriminate; [reflexivity|].
  apply andb_prop in H. destruct H as [H1 H2]. simpl. rewrite (qeq_R _ _ H1), (IH v H2). reflexivity.
Qed.

Lemma nth_fit P c x i :
  (i < length P)%nat -> length P = length c ->
  nth i (fit_q P c x) 0%Q = qadd (qdot (nth i P []) x) (nth i c 0%Q).
Proof.
  revert c i; induction P as [|r P IH]; intros [|ci c] [|i] Hi Hl; simpl in *; try lia; try reflexivity.
  apply IH; lia.
Qed.

Lemma affine_act_spec a : affine_act a = true -> exists s k, forall t, act a t = Q2R s * t + Q2R k.
Proof.
  unfold affine_act, act. destruct (breakpoints a), (pieces a) as [|[s k] [|]]; try discriminate.
  intros _. exists s, k. intro t. reflexivity.
Qed.

Lemma sq_split a f y : (a - y) ^ 2 / 2 = (f - y) ^ 2 / 2 + (f - y) * (a - f) + (a - f) ^ 2 / 2.
Proof. field. Qed.

Theorem linear_sound n data p P c :
  check_linear n data p P c = true -> global_min (risk n data) (params p).
Proof.
  unfold check_linear. cbv zeta. set (ws := widths n). set (dx := hd 0%nat ws). set (dy := last ws 0%nat).
  intro H. rewrite !andb_true_iff in H.
  destruct H as [[[[[[[[Hok Haff] Hws] Hlp] HlP] Hlc] Hdata] Hnorm] _].
  apply Nat.leb_le in Hws. apply Nat.eqb_eq in Hlp, HlP, Hlc.
  rewrite forallb_forall in Hdata, Hnorm.
  destruct (affine_act_spec _ Haff) as [s [k Hact]].
  intros q Hq. unfold params in Hq. rewrite map_length, Hlp in Hq.
  destruct (forward_aff _ _ _ Hact (layers ws q) (coords dx) (coords_aff dx)) as [G [HG EG]].
  set (X := fun s : sample => map Q2R (fst s)).
  set (Y := fun (s : sample) i => Q2R (nth i (snd s) 0%Q)).
  set (fitR := fun i x => dot (map Q2R (nth i P [])) x + Q2R (nth i c 0%Q)).
  assert (Hs : forall s, In s data -> length (fst s) = dx /\ length (snd s) = dy /\
                 map Q2R (forward_q (act_q (activ n)) (layers ws p) (fst s)) = map Q2R (fit_q P c (fst s))).
  { intros s' Hs'. specialize (Hdata s' Hs'). rewrite !andb_true_iff in Hdata.
    destruct Hdata as [[H1 H2] H3]. apply Nat.eqb_eq in H1, H2. split; [exact H1|split; [exact H2|]].
    apply list_eqb_R, H3. }
  (* the risk at q, output by output *)
  set (l := lossk n).
  assert (RQ : risk n data q = sum (map (fun s => sum (map (fun i => ell l (nth i G (fun _ => 0) (X s)) (Y s i)) (seq 0 dy))) data)).
  { unfold risk. apply sum_map_ext_in. intros s' Hs'. destruct (Hs s' Hs') as [Hx [Hy _]].
    unfold sample_loss. fold ws l.
    assert (EF : forward (act (activ n)) (layers ws q) (X s') = map (fun g => g (X s')) G).
    { rewrite <- EG. f_equal. replace dx with (length (X s')) by (unfold X; rewrite map_length; exact Hx).
      symmetry. apply coords_self. }
    assert (LF : length (map (fun g => g (X s')) G) = dy).
    { rewrite <- EF. apply forward_length; auto. }
    fold (X s'). rewrite EF, sum_combine_seq, LF by (rewrite LF, map_length; auto).
    apply sum_map_ext_in. intros i _. cbn [fst snd]. rewrite nth_map_ev, nth_map_Q2R. reflexivity. }
  assert (RP : risk n data (params p) = sum (map (fun s => sum (map (fun i => ell l (fitR i (X s)) (Y s i)) (seq 0 dy))) data)).
  { unfold risk. apply sum_map_ext_in. intros s' Hs'. destruct (Hs s' Hs') as [Hx [Hy Hf]].
    unfold sample_loss, params. fold ws l. rewrite layers_map, <- (forward_q_R (act_q (activ n))), Hf.
    2: { intro t. apply act_q_R. }
    assert (LF : length (fit_q P c (fst s')) = dy).
    { unfold fit_q. rewrite map_length, combine_length, HlP, Hlc. apply Nat.min_id. }
    rewrite sum_combine_seq, map_length, LF by (rewrite !map_length, LF; auto).
    apply sum_map_ext_in. intros i Hi. apply in_seq in Hi. cbn [fst snd].
    rewrite !nth_map_Q2R, nth_fit by lia. unfold fitR, Y, X. rewrite qadd_R, qdot_R. reflexivity. }
  rewrite RQ, RP.
  set (gg := fun s i => Q2R (lgrad l P c i s)).
  set (Gi := fun i x => nth i G (fun _ => 0) x).
  apply Rle_trans with (sum (map (fun s => sum (map (fun i => ell l (fitR i (X s)) (Y s i) +
      gg s i * (Gi i (X s) - fitR i (X s))) (seq 0 dy))) data)).
  2: { apply sum_map_le. intros s' Hs'. apply sum_map_le. intros i Hi.
       specialize (Hnorm i Hi). rewrite !andb_true_iff in Hnorm. destruct Hnorm as [[Hsub _] _].
       rewrite forallb_forall in Hsub. specialize (Hsub s' Hs').
       pose proof (subgrad_sound _ _ _ _ (Gi i (X s')) Hok Hsub) as S.
       unfold lfit in S. rewrite qadd_R, qdot_R in S. exact S. }
  right. symmetry. rewrite <- (Rplus_0_r (sum (map (fun s => sum (map (fun i => ell l (fitR i (X s)) (Y s i)) (seq 0 dy))) data))).
  replace (sum (map (fun s => sum (map (fun i => ell l (fitR i (X s)) (Y s i) +
      gg s i * (Gi i (X s) - fitR i (X s))) (seq 0 dy))) data))
    with (sum (map (fun s => sum (map (fun i => ell l (fitR i (X s)) (Y s i)) (seq 0 dy))) data) +
          sum (map (fun i => sum (map (fun s => gg s i * (Gi i (X s) - fitR i (X s))) data)) (seq 0 dy))).
  2: { rewrite <- (sum_swap (fun s i => gg s i * (Gi i (X s) - fitR i (X s)))).
       rewrite <- sum_map_plus. apply sum_map_ext_in. intros s' _. rewrite <- sum_map_plus. reflexivity. }
  f_equal. apply sum_map_zero_in. intros i Hi.
  specialize (Hnorm i Hi). rewrite !andb_true_iff in Hnorm. destruct Hnorm as [[_ H0] H1].
  rewrite forallb_forall in H1.
  set (rr := fun s => gg s i).
  assert (Hsum : sum (map rr data) = 0).
  { apply qeq_R in H0. rewrite qsum_R, Q2R_0 in H0. rewrite <- H0. unfold rr, gg. rewrite map_map. reflexivity. }
  assert (Horth : forall l, sum (map (fun s => rr s * nth l (X s) 0) data) = 0).
  { intro k'. destruct (Nat.lt_ge_cases k' dx) as [L|L].
    - specialize (H1 k' (proj2 (in_seq dx 0 k') (conj (Nat.le_0_l k') L))).
      apply qeq_R in H1. rewrite qsum_R, map_map, Q2R_0 in H1.
      transitivity (sum (map (fun s => Q2R (lgrad l P c i s * nth k' (fst s) 0)%Q) data)); [|exact H1].
      apply sum_map_ext_in. intros s' _. unfold rr, gg, X. rewrite qmul_R, nth_map_Q2R. reflexivity.
    - apply sum_map_zero_in. intros s' Hs'. rewrite nth_overflow; [ring|].
      unfold X. rewrite map_length. destruct (Hs s' Hs') as [Hx _]. lia. }
  destruct (aff_nth_F G i HG) as [al [be HGi]].
  transitivity (sum (map (fun s => rr s * dot al (X s) + ((-1) * (rr s * dot (map Q2R (nth i P [])) (X s)) +
                                    rr s * (be - Q2R (nth i c 0%Q)))) data)).
  - apply sum_map_ext_in. intros s' _. unfold Gi. rewrite HGi. unfold rr, fitR. ring.
  - rewrite !sum_map_plus, sum_map_scale, !(orth_dot data rr X) by exact Horth.
    rewrite (orth_const data rr Hsum). ring.
Qed.
