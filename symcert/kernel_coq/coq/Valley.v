(** * Reflective checker for valleys of local minima (he2020 [valley_path] certificates):
    one hidden layer, scalar output, any of the four losses.

    The certificate gives every parameter as a polynomial in [eta] and an open interval of
    [eta]. The checker fixes, per hidden neuron, the piece its pre-activation occupies at the
    certificate's point ([eta = at]) on the first sample, and requires every sample's
    pre-activation (a polynomial of degree at most 1 in [eta]) to stay strictly inside that piece
    over the whole interval; then every output is a polynomial in [eta], which must be a
    constant [f_j]; multipliers [g_j] in the subdifferential of the loss at [f_j], summing to 0
    and orthogonal to every input coordinate, certify (subgradient inequality, as in
    [Convex1]) that near every member the risk is at least [sum_j ell(f_j)], the member's risk.
    [valley_sound]. *)
From Coq Require Import List QArith Reals Qreals Lra Lia.
From Symcert Require Import Defs QSem Lists Affine Thm1 Curves Subgrad Linear Convex1 Paths.
Import ListNotations.

(** ** The checker *)
Record valley_cert := {
  vl_path : list poly; vl_lo : option Q; vl_hi : option Q;
  vl_at : Q;            (** the member that is the certificate's point *)
  vl_other : Q;         (** another member, different from the point (the path is not constant) *)
  vl_point : list Q; vl_mults : list Q; vl_loss : Q }.

Fixpoint peval_q (c : poly) (t : Q) : Q :=
  match c with [] => 0%Q | a :: c' => qadd a (t * peval_q c' t)%Q end.

Definition in_int_q (lo hi : option Q) (t : Q) : bool :=
  match lo with Some l => qlt l t | None => true end && match hi with Some u => qlt t u | None => true end.

(** [d(eta) > 0] on the whole open interval, for [d] of degree at most 1. *)
Definition pos_on (d : poly) (lo hi : option Q) : bool :=
  let d0 := nth 0 d 0%Q in
  let d1 := nth 1 d 0%Q in
  forallb (fun c => Qeq_bool c 0) (skipn 2 d) &&
  ((Qeq_bool d1 0 && qlt 0 d0) ||
   (qlt 0 d1 && match lo with Some l => qle 0 (qadd d0 (d1 * l)) | None => false end) ||
   (qlt d1 0 && match hi with Some u => qle 0 (qadd d0 (d1 * u)) | None => false end)).

Definition zpoly (wb : list poly * poly) (x : list Q) : poly :=
  padd (pdot (fst wb) (map (fun v => [v]) x)) (snd wb).

Definition stays (bs : list Q) (k : nat) (z : poly) (lo hi : option Q) : bool :=
  forallb (fun b => pos_on (padd z [Qopp b]) lo hi) (firstn k bs) &&
  forallb (fun b => pos_on (padd [b] (pscale (-1) z)) lo hi) (skipn k bs).

Definition neuron_path (a : activation) (lo hi : option Q) (t : Q) (xs : list (list Q))
  (wb : list poly * poly) : option (Q * Q) :=
  match xs with
  | [] => None
  | x0 :: _ =>
      let bs := breakpoints a in
      let k := length (filter (fun b => qle b (peval_q (zpoly wb x0) t)) bs) in
      if Nat.leb k (length bs) && forallb (fun x => stays bs k (zpoly wb x) lo hi) xs
      then nth_error (pieces a) k else None
  end.

Definition out_poly (nb : list (list poly * poly)) (scs : list (Q * Q)) (v : list poly) (b2 : poly)
  (x : list Q) : poly :=
  padd (pdot v (map (fun ws => padd (pscale (fst (snd ws)) (zpoly (fst ws) x)) [snd (snd ws)]) (combine nb scs))) b2.

Definition check_valley (n : network) (data : list sample) (c : valley_cert) : bool :=
  match shape2 (widths n) with
  | None => false
  | Some (dx, h) =>
    let a := activ n in
    let l := lossk n in
    let P := vl_path c in
    let nb := combine (rows h dx P) (firstn h (skipn (h * dx) P)) in
    let v := firstn h (skipn (h * dx + h) P) in
    let b2 := hd [] (skipn h (skipn (h * dx + h) P)) in
    let gd := combine (vl_mults c) data in
    loss_ok l &&
    Nat.eqb (length P) (nparams [dx; h; 1%nat]) && Nat.eqb (length (vl_mults c)) (length data) &&
    forallb (fun s => Nat.eqb (length (fst s)) dx && Nat.eqb (length (snd s)) 1) data &&
    in_int_q (vl_lo c) (vl_hi c) (vl_at c) && in_int_q (vl_lo c) (vl_hi c) (vl_other c) &&
    list_eqb (map (fun p => peval_q p (vl_at c)) P) (vl_point c) &&
    existsb (fun p => negb (Qeq_bool (peval_q p (vl_at c)) (peval_q p (vl_other c)))) P &&
    match collect (map (neuron_path a (vl_lo c) (vl_hi c) (vl_at c) (map fst data)) nb) with
    | None => false
    | Some scs =>
        forallb (fun gs => let o := out_poly nb scs v b2 (fst (snd gs)) in
                           forallb (fun q => Qeq_bool q 0) (tl o) &&
                           subgrad l (hd 0%Q o) (hd 0%Q (snd (snd gs))) (fst gs)) gd &&
        Qeq_bool (qsum (map fst gd)) 0 &&
        forallb (fun k => Qeq_bool (qsum (map (fun gs => fst gs * nth k (fst (snd gs)) 0)%Q gd)) 0) (seq 0 dx) &&
        Qeq_bool (qsum (map (fun s => ell_q l (hd 0%Q (out_poly nb scs v b2 (fst s))) (hd 0%Q (snd s))) data))
                 (vl_loss c)
    end
  end.

(** ** Soundness *)
Local Open Scope R_scope.

Lemma poly_at_peval c t : poly_at c t = peval c t.
Proof. induction c as [|a c IH]; simpl; [reflexivity|]. rewrite IH. reflexivity. Qed.

Lemma member_pe P t : member P t = map (pe t) P.
Proof. unfold member, pe. apply map_ext. intro. apply poly_at_peval. Qed.

Lemma peval_q_R c t : Q2R (peval_q c t) = peval c (Q2R t).
Proof. induction c as [|a c IH]; simpl; [apply Q2R_0|]. rewrite qadd_R, qmul_R, IH. reflexivity. Qed.

Lemma in_int_q_R lo hi t : in_int_q lo hi t = true -> in_interval lo hi (Q2R t).
Proof.
  unfold in_int_q, in_interval. intro H. apply andb_prop in H. destruct H as [H1 H2].
  split; [destruct lo|destruct hi]; auto; apply qlt_R; assumption.
Qed.

Lemma peval_zeros l t : forallb (fun c => Qeq_bool c 0) l = true -> peval l t = 0.
Proof.
  induction l as [|a l IH]; simpl; [reflexivity|]. intro H. apply andb_prop in H. destruct H as [H1 H2].
  apply qeq_R in H1. rewrite H1, IH by exact H2. rewrite Q2R_0. ring.
Qed.

Lemma peval_lin d t :
  forallb (fun c => Qeq_bool c 0) (skipn 2 d) = true ->
  peval d t = Q2R (nth 0 d 0%Q) + t * Q2R (nth 1 d 0%Q).
Proof.
  destruct d as [|d0 [|d1 r]]; simpl; intro H; rewrite ?Q2R_0; try ring.
  rewrite (peval_zeros r t H). ring.
Qed.

Lemma pos_on_sound d lo hi eta : pos_on d lo hi = true -> in_interval lo hi eta -> 0 < peval d eta.
Proof.
  unfold pos_on. cbv zeta. intros H [Hlo Hhi]. apply andb_prop in H. destruct H as [Hz H].
  rewrite (peval_lin d eta Hz).
  set (d0 := nth 0 d 0%Q) in *. set (d1 := nth 1 d 0%Q) in *.
  apply orb_prop in H. destruct H as [H|H]; [apply orb_prop in H; destruct H as [H|H]|].
  - apply andb_prop in H. destruct H as [H1 H2]. apply qeq_R in H1. apply qlt_R in H2.
    rewrite Q2R_0 in *. rewrite H1. lra.
  - apply andb_prop in H. destruct H as [H1 H2]. apply qlt_R in H1. rewrite Q2R_0 in H1.
    destruct lo as [l|]; [|discriminate]. apply Qle_bool_iff, Qle_Rle in H2.
    rewrite qadd_R, qmul_R, Q2R_0 in H2.
    assert (0 < Q2R d1 * (eta - Q2R l)) by (apply Rmult_lt_0_compat; lra). nra.
  - apply andb_prop in H. destruct H as [H1 H2]. apply qlt_R in H1. rewrite Q2R_0 in H1.
    destruct hi as [u|]; [|discriminate]. apply Qle_bool_iff, Qle_Rle in H2.
    rewrite qadd_R, qmul_R, Q2R_0 in H2.
    assert (0 < (- Q2R d1) * (Q2R u - eta)) by (apply Rmult_lt_0_compat; lra). nra.
Qed.

Lemma zpoly_R wb x t :
  peval (zpoly wb x) t = dot (map (pe t) (fst wb)) (map Q2R x) + pe t (snd wb).
Proof.
  unfold zpoly. rewrite peval_padd, peval_pdot. f_equal. f_equal.
  rewrite map_map. apply map_ext. intro v. apply peval_const.
Qed.

(** Finitely many conditions, each true for all small enough radii, are true together. *)
Lemma finite_eps {A} (P : R -> A -> Prop) (l : list A) :
  (forall a, In a l -> exists e, 0 < e /\ forall e', 0 < e' <= e -> P e' a) ->
  exists e, 0 < e /\ forall a, In a l -> forall e', 0 < e' <= e -> P e' a.
Proof.
  induction l as [|a l IH]; intro H.
  - exists 1. split; [lra|]. intros a' [].
  - destruct (H a (or_introl eq_refl)) as [e1 [He1 H1]].
    destruct IH as [e2 [He2 H2]]; [intros; apply H; right; assumption|].
    exists (Rmin e1 e2). split; [apply Rmin_glb_lt; assumption|].
    intros a' [<-|Ha] e' He'.
    + apply H1. pose proof (Rmin_l e1 e2). lra.
    + apply H2; [exact Ha|]. pose proof (Rmin_r e1 e2). lra.
Qed.

Definition close (e : R) (wq : list R) (bq : R) (w : list R) (b : R) : Prop :=
  Forall2 (fun u v => Rabs (u - v) < e) wq w /\ Rabs (bq - b) < e.

Lemma close_z e wq bq w b x :
  close e wq bq w b -> Rabs ((dot wq x + bq) - (dot w x + b)) < e * (sum (map Rabs x) + 1).
Proof.
  intros [Hw Hb]. assert (He : 0 <= e) by (pose proof (Rabs_pos (bq - b)); lra).
  pose proof (dot_close e wq w x He Hw) as Hd.
  replace (dot wq x + bq - (dot w x + b)) with ((dot wq x - dot w x) + (bq - b)) by ring.
  eapply Rle_lt_trans; [apply Rabs_triang|]. lra.
Qed.

(** A strict inequality at the centre holds on a small box around it. *)
Lemma margin w b x (g : R -> R) :
  (forall z z', g z' - g z <= Rabs (z' - z)) -> 0 < g (dot w x + b) ->
  exists e, 0 < e /\ forall e', 0 < e' <= e -> forall wq bq, close e' wq bq w b -> 0 < g (dot wq x + bq).
Proof.
  intros Hg Hpos. set (S := sum (map Rabs x) + 1).
  assert (HS : 0 < S) by (unfold S; pose proof (sum_abs_nonneg x); lra).
  exists (g (dot w x + b) / S). split; [apply Rdiv_lt_0_compat; assumption|].
  intros e' He' wq bq Hc. pose proof (close_z e' wq bq w b x Hc) as Hz. fold S in Hz.
  pose proof (Hg (dot wq x + bq) (dot w x + b)) as G. rewrite Rabs_minus_sym in G.
  assert (e' * S <= g (dot w x + b) / S * S) by (apply Rmult_le_compat_r; lra).
  replace (g (dot w x + b) / S * S) with (g (dot w x + b)) in H by (field; lra). lra.
Qed.

Definition piece_ok (a : activation) (s c : Q) (xs : list (list Q)) (e : R) (w : list R) (b : R) : Prop :=
  forall wq bq, close e wq bq w b -> forall x, In x xs ->
    act a (dot wq (map Q2R x) + bq) = Q2R s * (dot wq (map Q2R x) + bq) + Q2R c.

Lemma neuron_path_sound a lo hi t xs wb s c eta :
  neuron_path a lo hi t xs wb = Some (s, c) -> in_interval lo hi eta ->
  exists e, 0 < e /\ forall e', 0 < e' <= e -> piece_ok a s c xs e' (map (pe eta) (fst wb)) (pe eta (snd wb)).
Proof.
  intros Hn Hi. unfold neuron_path in Hn. destruct xs as [|x0 xs']; [discriminate|].
  set (bs := breakpoints a) in Hn. set (k := length _) in Hn.
  destruct (Nat.leb k (length bs) && _) eqn:E; [|discriminate].
  apply andb_prop in E. destruct E as [Hk Hall]. apply Nat.leb_le in Hk.
  rewrite forallb_forall in Hall.
  set (w := map (pe eta) (fst wb)). set (b := pe eta (snd wb)).
  set (Pq := fun e x => forall wq bq, close e wq bq w b ->
               (forall b', In b' (firstn k bs) -> Q2R b' <= dot wq (map Q2R x) + bq) /\
               (forall b', In b' (skipn k bs) -> dot wq (map Q2R x) + bq < Q2R b')).
  assert (Hx : forall x, In x (x0 :: xs') -> exists e, 0 < e /\ forall e', 0 < e' <= e -> Pq e' x).
  { intros x Hin. specialize (Hall x Hin). unfold stays in Hall. apply andb_prop in Hall.
    destruct Hall as [Hlo Hhi]. rewrite forallb_forall in Hlo, Hhi.
    destruct (finite_eps (fun e b' => forall wq bq, close e wq bq w b -> Q2R b' < dot wq (map Q2R x) + bq) (firstn k bs)) as [e1 [He1 H1]].
    { intros b' Hb'. pose proof (pos_on_sound _ _ _ eta (Hlo b' Hb') Hi) as P.
      rewrite peval_padd, zpoly_R, peval_const, Q2R_opp in P. fold w b in P.
      destruct (margin w b (map Q2R x) (fun z => z - Q2R b')) as [e [He H]].
      - intros z z'. pose proof (Rle_abs (z' - z)). lra.
      - cbv beta. lra.
      - exists e. split; [exact He|]. intros e' He' wq bq Hc. specialize (H e' He' wq bq Hc). cbv beta in H. lra. }
    destruct (finite_eps (fun e b' => forall wq bq, close e wq bq w b -> dot wq (map Q2R x) + bq < Q2R b') (skipn k bs)) as [e2 [He2 H2]].
    { intros b' Hb'. pose proof (pos_on_sound _ _ _ eta (Hhi b' Hb') Hi) as P.
      rewrite peval_padd, peval_pscale, zpoly_R, peval_const in P. fold w b in P.
      replace (Q2R (-1)) with (-1) in P by (unfold Q2R; simpl; field).
      destruct (margin w b (map Q2R x) (fun z => Q2R b' - z)) as [e [He H]].
      - intros z z'. pose proof (Rle_abs (- (z' - z))). rewrite Rabs_Ropp in H. lra.
      - cbv beta. lra.
      - exists e. split; [exact He|]. intros e' He' wq bq Hc. specialize (H e' He' wq bq Hc). cbv beta in H. lra. }
    exists (Rmin e1 e2). split; [apply Rmin_glb_lt; assumption|].
    intros e' He' wq bq Hc. pose proof (Rmin_l e1 e2). pose proof (Rmin_r e1 e2). split.
    - intros b' Hb'. apply Rlt_le. apply (H1 b' Hb' e'); [lra|exact Hc].
    - intros b' Hb'. apply (H2 b' Hb' e'); [lra|exact Hc]. }
  destruct (finite_eps Pq (x0 :: xs') Hx) as [e [He H]].
  exists e. split; [exact He|]. intros e' He' wq bq Hc x Hin.
  destruct (H x Hin e' He' wq bq Hc) as [Hl Hh].
  unfold act. apply (pl_piece k); auto.
Qed.

Lemma hd_pe t (l : list poly) : hd 0 (map (pe t) l) = pe t (hd [] l).
Proof. destruct l; reflexivity. Qed.

Lemma peval_const_poly o t : forallb (fun q => Qeq_bool q 0) (tl o) = true -> peval o t = Q2R (hd 0%Q o).
Proof.
  destruct o as [|a o]; simpl; intro H; [symmetry; apply Q2R_0|]. rewrite (peval_zeros o t H). ring.
Qed.

Lemma orth_out {T} (gd : list T) rr (h : R -> R) X nb scs v b2 :
  sum (map rr gd) = 0 -> (forall l, sum (map (fun gs => rr gs * nth l (X gs) 0) gd) = 0) ->
  Forall2 (on_piece gd h X) nb scs ->
  sum (map (fun gs => rr gs * (dot v (map (fun wb => h (dot (fst wb) (X gs) + snd wb)) nb) + b2)) gd) = 0.
Proof.
  intros Hs Ho Hp.
  transitivity (sum (map (fun gs => rr gs * dot v (map (fun wb => h (dot (fst wb) (X gs) + snd wb)) nb) + rr gs * b2) gd)).
  - apply sum_map_ext_in. intros; ring.
  - rewrite sum_map_plus, (orth_hidden gd rr Hs h X nb scs Ho Hp v), (orth_const gd rr Hs). ring.
Qed.

Lemma map_eq_in {A B} (f g : A -> B) l x : map f l = map g l -> In x l -> f x = g x.
Proof.
  induction l as [|a l IH]; simpl; [contradiction|]. intros H [<-|Hx]; injection H as H1 H2; auto.
Qed.

Lemma Forall2_in {A B} (R0 : A -> B -> Prop) l1 l2 :
  Forall2 R0 l1 l2 -> Forall2 (fun a b => In a l1 /\ R0 a b) l1 l2.
Proof.
  intro H. induction H as [|a b l1 l2 Hab H IH]; constructor.
  - split; [left; reflexivity|exact Hab].
  - refine (Forall2_weaken _ _ _ _ _ IH). intros a' b' [Ha' Hr]. split; [right; exact Ha'|exact Hr].
Qed.

Lemma Forall2_self (l : list R) e : 0 < e -> Forall2 (fun a b => Rabs (a - b) < e) l l.
Proof. intro He. induction l as [|a l IH]; constructor; auto. rewrite Rminus_eq_0, Rabs_R0. exact He. Qed.

Lemma map_pieces (a : activation) eta x (nb0 : list (list poly * poly)) scs0 :
  Forall2 (fun wb sc => act a (dot (map (pe eta) (fst wb)) (map Q2R x) + pe eta (snd wb)) =
                        Q2R (fst sc) * (dot (map (pe eta) (fst wb)) (map Q2R x) + pe eta (snd wb)) + Q2R (snd sc)) nb0 scs0 ->
  map (fun wb => act a (dot (fst wb) (map Q2R x) + snd wb)) (map (fun wb => (map (pe eta) (fst wb), pe eta (snd wb))) nb0) =
  map (fun p => peval p eta) (map (fun ws => padd (pscale (fst (snd ws)) (zpoly (fst ws) x)) [snd (snd ws)]) (combine nb0 scs0)).
Proof.
  intro H. induction H as [|wb [s c] nb0 scs0 H0 _ IH]; [reflexivity|]. simpl. f_equal; [|exact IH].
  rewrite peval_padd, peval_pscale, zpoly_R, peval_const. exact H0.
Qed.

Ltac split_and H :=
  repeat match type of H with
  | (_ && _) = true => let H' := fresh "C" in apply andb_prop in H; destruct H as [H H']
  end.

Theorem valley_sound n data c :
  check_valley n data c = true ->
  valley (risk n data) (vl_path c) (vl_lo c) (vl_hi c) (Q2R (vl_loss c)) /\
  member (vl_path c) (Q2R (vl_at c)) = params (vl_point c) /\
  in_interval (vl_lo c) (vl_hi c) (Q2R (vl_at c)).
Proof.
  unfold check_valley. destruct (shape2 (widths n)) as [[dx h]|] eqn:Hw; [|discriminate].
  apply shape2_spec in Hw. cbv zeta.
  set (P := vl_path c). set (lo := vl_lo c). set (hi := vl_hi c).
  set (nb := combine (rows h dx P) (firstn h (skipn (h * dx) P))).
  set (v := firstn h (skipn (h * dx + h) P)).
  set (b2 := hd [] (skipn h (skipn (h * dx + h) P))).
  set (gd := combine (vl_mults c) data).
  intro H. split_and H.
  destruct (collect (map (neuron_path (activ n) lo hi (vl_at c) (map fst data)) nb)) as [scs|] eqn:Hc; [|discriminate].
  rename H into Hok, C6 into HlP, C5 into Hlm, C4 into Hds, C3 into Hat, C2 into Hot, C1 into Hpt, C0 into Hne.
  cbv iota in C. split_and C. rename C into Hout, C0 into Hloss, C2 into Hsum0, C1 into Horth0.
  apply Nat.eqb_eq in HlP, Hlm. rewrite forallb_forall in Hds, Hout, Horth0.
  assert (Hy : forall s, In s data -> length (snd s) = 1%nat).
  { intros s Hs. specialize (Hds s Hs). rewrite !andb_true_iff in Hds. apply Nat.eqb_eq, Hds. }
  assert (Hx : forall s, In s data -> length (fst s) = dx).
  { intros s Hs. specialize (Hds s Hs). rewrite !andb_true_iff in Hds. apply Nat.eqb_eq, Hds. }
  assert (Hgd : forall gs, In gs gd -> In (snd gs) data).
  { intros [g s] Hin. apply in_combine_r in Hin. exact Hin. }
  pose proof (collect_Forall2 _ _ _ Hc) as HF.
  set (rr := fun gs : Q * sample => Q2R (fst gs)).
  set (X := fun gs : Q * sample => map Q2R (fst (snd gs))).
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
  (* the members: every member of the interval *)
  assert (Hmem : forall eta, in_interval lo hi eta ->
            local_min (risk n data) (member P eta) /\ risk n data (member P eta) = Q2R (vl_loss c)).
  { intros eta Hi. rewrite member_pe.
    set (th := map (pe eta) P).
    set (real := fun wb : list poly * poly => (map (pe eta) (fst wb), pe eta (snd wb))).
    assert (Hth : combine (rows h dx th) (firstn h (skipn (h * dx) th)) = map real nb).
    { unfold th, nb. rewrite rows_map, skipn_map, firstn_map, combine_map. reflexivity. }
    assert (Hlth : length th = nparams [dx; h; 1%nat]) by (unfold th; rewrite map_length; exact HlP).
    (* one radius for every neuron *)
    destruct (finite_eps (fun e wb => forall s' c', neuron_path (activ n) lo hi (vl_at c) (map fst data) wb = Some (s', c') ->
                            piece_ok (activ n) s' c' (map fst data) e (map (pe eta) (fst wb)) (pe eta (snd wb))) nb) as [e [He HE]].
    { intros wb _. destruct (neuron_path (activ n) lo hi (vl_at c) (map fst data) wb) as [[s' c']|] eqn:Hn.
      - destruct (neuron_path_sound _ _ _ _ _ _ _ _ eta Hn Hi) as [e [He H]].
        exists e. split; [exact He|]. intros e' He' s'' c'' E. injection E as <- <-. apply H, He'.
      - exists 1. split; [lra|]. intros e' _ s'' c'' E. discriminate. }
    assert (Hpiece : forall q, Forall2 (fun a b => Rabs (a - b) < e) q th ->
              Forall2 (on_piece gd (act (activ n)) X) (combine (rows h dx q) (firstn h (skipn (h * dx) q))) scs).
    { intros q Hq.
      pose proof (Forall2_rows _ h dx _ _ Hq) as HW.
      pose proof (Forall2_firstn _ h _ _ (Forall2_skipn _ (h * dx) _ _ Hq)) as Hb.
      pose proof (Forall2_combine _ _ _ _ _ _ HW Hb) as HC. rewrite Hth in HC.
      apply Forall2_map_r in HC.
      pose proof (Forall2_compose _ _ _ _ _ HC (Forall2_in _ _ _ HF)) as HK.
      refine (Forall2_weaken _ _ _ _ _ HK).
      intros [wq bq] [s' c'] [wb [[H1 H2] [Hin H3]]] gs Hs'. simpl in *.
      apply (HE wb Hin e (conj He (Rle_refl e)) s' c' H3 wq bq (conj H1 H2)).
      apply in_map, Hgd, Hs'. }
    pose proof (Forall2_self th e He) as Hself.
    set (OUT := fun (q : list R) (gs : Q * sample) =>
                  dot (firstn h (skipn (h * dx + h) q))
                      (map (fun wb => act (activ n) (dot (fst wb) (X gs) + snd wb)) (combine (rows h dx q) (firstn h (skipn (h * dx) q))))
                  + hd 0 (skipn h (skipn (h * dx + h) q))).
    assert (Hrisk : forall q, length q = nparams [dx; h; 1%nat] ->
              risk n data q = sum (map (fun gs => ell (lossk n) (OUT q gs) (Q2R (hd 0%Q (snd (snd gs))))) gd)).
    { intros q Hlq. unfold risk. rewrite <- (map_snd_combine (vl_mults c) data Hlm). fold gd. rewrite map_map.
      apply sum_map_ext_in. intros gs Hin. rewrite (sample_loss_1 n dx h q (snd gs) Hw Hlq (Hy _ (Hgd _ Hin))).
      unfold OUT, X, apply_layer. simpl. rewrite map_map. reflexivity. }
    (* the outputs at the member are the constants f_j *)
    assert (Hf : forall gs, In gs gd ->
              dot (firstn h (skipn (h * dx + h) th))
                  (map (fun wb => act (activ n) (dot (fst wb) (X gs) + snd wb)) (combine (rows h dx th) (firstn h (skipn (h * dx) th))))
              + hd 0 (skipn h (skipn (h * dx + h) th)) = Q2R (hd 0%Q (out_poly nb scs v b2 (fst (snd gs))))).
    { intros gs Hin. specialize (Hout gs Hin). apply andb_prop in Hout. destruct Hout as [Hcst _].
      transitivity (peval (out_poly nb scs v b2 (fst (snd gs))) eta); [|apply peval_const_poly, Hcst].
      unfold out_poly. rewrite peval_padd, peval_pdot.
      assert (Hv : firstn h (skipn (h * dx + h) th) = map (pe eta) v) by (unfold th, v; rewrite skipn_map, firstn_map; reflexivity).
      assert (Hb2 : hd 0 (skipn h (skipn (h * dx + h) th)) = pe eta b2) by (unfold th, b2; rewrite !skipn_map; apply hd_pe).
      rewrite Hv, Hb2, Hth. unfold X, real. rewrite (map_pieces (activ n) eta (fst (snd gs)) nb scs); [reflexivity|].
      refine (Forall2_weaken _ _ _ _ _ (Forall2_in _ _ _ HF)).
      intros wb [s' c'] [Hwb Hsc]. simpl.
      apply (HE wb Hwb e (conj He (Rle_refl e)) s' c' Hsc); [|apply in_map, Hgd, Hin].
      split; [apply Forall2_self, He|rewrite Rminus_eq_0, Rabs_R0; exact He]. }
    assert (Hf' : forall gs, In gs gd -> OUT th gs = Q2R (hd 0%Q (out_poly nb scs v b2 (fst (snd gs))))) by exact Hf.
    split.
    - exists e. split; [exact He|]. intros q Hq. unfold near in Hq.
      assert (Hlq : length q = nparams [dx; h; 1%nat]) by (apply Forall2_len in Hq; congruence).
      rewrite (Hrisk th Hlth), (Hrisk q Hlq).
      apply Rle_trans with (sum (map (fun gs => ell (lossk n) (OUT th gs) (Q2R (hd 0%Q (snd (snd gs)))) + rr gs * (OUT q gs - OUT th gs)) gd)).
      + rewrite sum_map_plus.
        assert (Z : sum (map (fun gs => rr gs * (OUT q gs - OUT th gs)) gd) = 0).
        { transitivity (sum (map (fun gs => rr gs * OUT q gs + (-1) * (rr gs * OUT th gs)) gd)); [apply sum_map_ext_in; intros; ring|].
          rewrite sum_map_plus, sum_map_scale. unfold OUT.
          rewrite (orth_out gd rr (act (activ n)) X _ scs _ _ Hsum Horth (Hpiece q Hq)).
          rewrite (orth_out gd rr (act (activ n)) X _ scs _ _ Hsum Horth (Hpiece th Hself)). ring. }
        lra.
      + apply sum_map_le. intros gs Hin. rewrite (Hf' gs Hin).
        specialize (Hout gs Hin). apply andb_prop in Hout. destruct Hout as [_ Hsg].
        exact (subgrad_sound _ _ _ _ (OUT q gs) Hok Hsg).
    - rewrite (Hrisk th Hlth). apply qeq_R in Hloss. rewrite <- Hloss, qsum_R, map_map.
      rewrite <- (map_snd_combine (vl_mults c) data Hlm). fold gd. rewrite map_map.
      apply sum_map_ext_in. intros gs Hin. rewrite (Hf' gs Hin), ell_q_R by exact Hok. reflexivity. }
  split; [split|split].
  - exact Hmem.
  - exists (Q2R (vl_at c)), (Q2R (vl_other c)).
    split; [apply in_int_q_R, Hat|]. split; [apply in_int_q_R, Hot|].
    intro E. rewrite !member_pe in E. apply existsb_exists in Hne. destruct Hne as [p [Hp Hq]].
    pose proof (map_eq_in _ _ _ p E Hp) as E'. unfold pe in E'. rewrite <- !peval_q_R in E'.
    apply eqR_Qeq, Qeq_bool_iff in E'. rewrite E' in Hq. discriminate.
  - rewrite member_pe. apply list_eqb_R in Hpt. unfold params. rewrite <- Hpt, map_map.
    apply map_ext. intro p. unfold pe. symmetry. apply peval_q_R.
  - apply in_int_q_R, Hat.
Qed.

Corollary valley_minima n data c :
  check_valley n data c = true -> valley (risk n data) (vl_path c) (vl_lo c) (vl_hi c) (Q2R (vl_loss c)).
Proof. intro H. apply (valley_sound n data c H). Qed.

Corollary valley_through_point n data c :
  check_valley n data c = true ->
  member (vl_path c) (Q2R (vl_at c)) = params (vl_point c) /\ in_interval (vl_lo c) (vl_hi c) (Q2R (vl_at c)).
Proof. intro H. apply (valley_sound n data c H). Qed.
