(** * Reflective checker for the minima of the risk on an activation cell (he2020.cell
    [cell_global_minima] certificates): one hidden layer, one output, any of the four losses.

    On the cell of the point [p] (every hidden pre-activation on the same piece as at [p], on
    every sample) the output on sample [j] is [dot (lift q) (phi_j)]: the lifted variables
    [lift q = (W2_i W1_i, W2_i b1_i, W2_i, ..., b2)] against the fixed design row
    [phi_j = (a_ij x_j, a_ij, c_ij, ..., 1)] of the pieces [(a_ij, c_ij)] of [p]. The checker
    verifies that [p] is on no breakpoint, that no output weight is 0, that the multipliers
    [g_j] lie in the subdifferential of the loss at [p]'s outputs, and [G Phi = 0] exactly.
    [cell_sound]: then [cell_minima net data (params p)] ([CellDefs.v]). *)
From Coq Require Import List QArith Reals Qreals Lra Lia.
From Symcert Require Import Defs QSem Lists Affine Thm1 Curves Subgrad Linear Convex1 Paths Valley CellDefs.
Import ListNotations.

(** ** The checker *)
Record cell_cert := { cl_point : list Q; cl_mults : option (list Q); cl_loss : Q }.

(** The piece of the activation holding [z] strictly inside (None on a breakpoint). *)
Definition piece_of (a : activation) (z : Q) : option (Q * Q) :=
  let bs := breakpoints a in
  let k := length (filter (fun b => qle b z) bs) in
  if Nat.leb k (length bs) && in_piece bs k z 0 then nth_error (pieces a) k else None.

(** The design row of a sample: per neuron [(a x, a, c)], then 1. *)
Definition phi (pc : list (Q * Q)) (x : list Q) : list Q :=
  flat_map (fun sc => map (fun xk => (fst sc * xk)%Q) x ++ [fst sc; snd sc]) pc ++ [1%Q].

Definition cell_core (a : activation) (l : loss) (dx h : nat) (data : list sample) (c : cell_cert) : bool :=
  let ws := [dx; h; 1%nat] in
  let p := cl_point c in
  let nb := combine (rows h dx p) (firstn h (skipn (h * dx) p)) in
  let v := firstn h (skipn (h * dx + h) p) in
  let b2 := hd 0%Q (skipn h (skipn (h * dx + h) p)) in
  let out := fun x => qadd (qdot v (map (fun wb => act_q a (preact wb x)) nb)) b2 in
  Nat.eqb (length p) (nparams ws) &&
  forallb (fun s => Nat.eqb (length (fst s)) dx && Nat.eqb (length (snd s)) 1) data &&
  forallb (fun w => negb (Qeq_bool w 0)) v &&
  match collect (map (fun s => collect (map (fun wb => piece_of a (preact wb (fst s))) nb)) data) with
  | None => false
  | Some pcs =>
      let gs := match cl_mults c with
                | Some ms => ms
                | None => map (fun s => qsub (out (fst s)) (hd 0%Q (snd s))) data end in
      let T := combine gs (combine pcs data) in
      Nat.eqb (length gs) (length data) &&
      forallb (fun t => subgrad l (out (fst (snd (snd t)))) (hd 0%Q (snd (snd (snd t)))) (fst t)) T &&
      forallb (fun k => Qeq_bool (qsum (map (fun t => fst t * nth k (phi (fst (snd t)) (fst (snd (snd t)))) 0)%Q T)) 0)
              (seq 0 (list_max (map (fun t => length (phi (fst (snd t)) (fst (snd (snd t))))) T))) &&
      Qeq_bool (qsum (map (fun s => ell_q l (out (fst s)) (hd 0%Q (snd s))) data)) (cl_loss c)
  end.

Definition check_cell (n : network) (data : list sample) (c : cell_cert) : bool :=
  match shape2 (widths n) with
  | Some (dx, h) => loss_ok (lossk n) && cell_core (activ n) (lossk n) dx h data c
  | None => false
  end.

(** ** Soundness *)
Local Open Scope R_scope.

Definition liftR (nb : list (list R * R)) (v : list R) (b2 : R) : list R :=
  flat_map (fun wbv => map (fun w => snd wbv * w) (fst (fst wbv)) ++ [snd wbv * snd (fst wbv); snd wbv]) (combine nb v) ++ [b2].

Lemma dot_app a b c d : length a = length c -> dot (a ++ b) (c ++ d) = dot a c + dot b d.
Proof.
  revert c; induction a as [|x a IH]; intros [|y c] H; simpl in *; try discriminate; [ring|].
  rewrite IH by lia. ring.
Qed.

Lemma dot_scale (k s : R) u x : dot (map (fun w => k * w) u) (map (fun y => s * y) x) = k * s * dot u x.
Proof. revert x; induction u as [|w u IH]; intros [|y x]; simpl; try ring. rewrite IH. ring. Qed.

Lemma phi_R pc x :
  map Q2R (phi pc x) =
  flat_map (fun sc => map (fun y => Q2R (fst sc) * y) (map Q2R x) ++ [Q2R (fst sc); Q2R (snd sc)]) pc ++ [1].
Proof.
  unfold phi. rewrite map_app. f_equal; [|simpl; rewrite Q2R_1; reflexivity].
  induction pc as [|sc pc IH]; simpl; [reflexivity|]. rewrite map_app, IH. f_equal.
  rewrite map_app, !map_map. simpl. f_equal. apply map_ext. intro. apply qmul_R.
Qed.

Lemma lift_dot (h : R -> R) nb v pc b2 x :
  length nb = length v -> (forall wb, In wb nb -> length (fst wb) = length x) ->
  Forall2 (fun wb sc => h (dot (fst wb) (map Q2R x) + snd wb) =
                        Q2R (fst sc) * (dot (fst wb) (map Q2R x) + snd wb) + Q2R (snd sc)) nb pc ->
  dot v (map (fun wb => h (dot (fst wb) (map Q2R x) + snd wb)) nb) + b2 = dot (liftR nb v b2) (map Q2R (phi pc x)).
Proof.
  intros Hl Hx H. rewrite phi_R. unfold liftR. revert v Hl.
  induction H as [|wb sc nb pc H0 _ IH]; intros [|vi v] Hl; simpl in Hl; try discriminate.
  - simpl. ring.
  - simpl. rewrite <- !app_assoc. rewrite dot_app by (rewrite !map_length; apply Hx; left; reflexivity).
    simpl. rewrite dot_scale, H0.
    assert (IH' := IH (fun wb' H' => Hx wb' (or_intror H')) v ltac:(lia)). rewrite <- IH'. ring.
Qed.

Lemma piece_of_spec a z s c :
  piece_of a z = Some (s, c) ->
  exists k, (k <= length (breakpoints a))%nat /\ nth_error (pieces a) k = Some (s, c) /\
    (forall b, In b (firstn k (breakpoints a)) -> Q2R b < Q2R z) /\
    (forall b, In b (skipn k (breakpoints a)) -> Q2R z < Q2R b).
Proof.
  unfold piece_of. cbv zeta. set (k := length _).
  destruct (Nat.leb k _ && _) eqn:E; [|discriminate]. intro Hn.
  apply andb_prop in E. destruct E as [Hk Hp]. apply Nat.leb_le in Hk.
  unfold in_piece in Hp. apply andb_prop in Hp. destruct Hp as [Hlo Hhi]. rewrite forallb_forall in Hlo, Hhi.
  exists k. split; [exact Hk|]. split; [exact Hn|]. split.
  - intros b Hb. specialize (Hlo b Hb). apply qlt_R in Hlo. rewrite qsub_R, Q2R_0 in Hlo. lra.
  - intros b Hb. specialize (Hhi b Hb). apply qlt_R in Hhi. rewrite qadd_R, Q2R_0 in Hhi. lra.
Qed.

(** A pre-activation on the same side of every breakpoint as one of piece [(s, c)] is on that piece. *)
Lemma piece_same a z s c zq :
  piece_of a z = Some (s, c) -> same_side (breakpoints a) (Q2R z) zq -> act a zq = Q2R s * zq + Q2R c.
Proof.
  intros Hp Hs. destruct (piece_of_spec a z s c Hp) as [k [Hk [Hn [Hlo Hhi]]]].
  unfold same_side in Hs. rewrite Forall_forall in Hs.
  unfold act. apply (pl_piece k); auto.
  - intros b Hb. specialize (Hlo b Hb).
    assert (In b (breakpoints a)) by (rewrite <- (firstn_skipn k (breakpoints a)); apply in_or_app; left; exact Hb).
    destruct (Hs b H) as [[H1 H2]|[H1 H2]]; lra.
  - intros b Hb. specialize (Hhi b Hb).
    assert (In b (breakpoints a)) by (rewrite <- (firstn_skipn k (breakpoints a)); apply in_or_app; right; exact Hb).
    destruct (Hs b H) as [[H1 H2]|[H1 H2]]; lra.
Qed.

Lemma piece_self a z s c : piece_of a z = Some (s, c) -> same_side (breakpoints a) (Q2R z) (Q2R z).
Proof.
  intro Hp. destruct (piece_of_spec a z s c Hp) as [k [_ [_ [Hlo Hhi]]]].
  unfold same_side. rewrite Forall_forall. intros b Hb.
  rewrite <- (firstn_skipn k (breakpoints a)) in Hb. apply in_app_or in Hb. destruct Hb as [Hb|Hb].
  - right. specialize (Hlo b Hb). lra.
  - left. specialize (Hhi b Hb). lra.
Qed.

Section Shape.
  Variables (n : network) (dx h : nat).
  Hypothesis Hw : widths n = [dx; h; 1%nat].

  Definition nbR (q : list R) := combine (rows h dx q) (firstn h (skipn (h * dx) q)).
  Definition vR (q : list R) := firstn h (skipn (h * dx + h) q).
  Definition b2R (q : list R) := hd 0 (skipn h (skipn (h * dx + h) q)).
  Definition outR (q : list R) (x : list Q) :=
    dot (vR q) (map (fun wb => act (activ n) (dot (fst wb) (map Q2R x) + snd wb)) (nbR q)) + b2R q.

  Lemma hidden_pre_R q x : hidden_pre n q x = map (fun wb => dot (fst wb) (map Q2R x) + snd wb) (nbR q).
  Proof. unfold hidden_pre. rewrite Hw. reflexivity. Qed.

  Lemma out_weights_R q : out_weights n q = vR q.
  Proof. unfold out_weights. rewrite Hw. simpl. rewrite ?Nat.add_0_r, ?Nat.mul_1_l, app_nil_r. reflexivity. Qed.

  Lemma risk_R (data : list sample) q :
    length q = nparams [dx; h; 1%nat] -> (forall s, In s data -> length (snd s) = 1%nat) ->
    risk n data q = sum (map (fun s => ell (lossk n) (outR q (fst s)) (Q2R (hd 0%Q (snd s)))) data).
  Proof.
    intros Hq Hy. unfold risk. apply sum_map_ext_in. intros s Hs.
    rewrite (sample_loss_1 n dx h q s Hw Hq (Hy s Hs)). unfold outR, nbR, vR, b2R, apply_layer. simpl.
    rewrite map_map. reflexivity.
  Qed.
End Shape.

Lemma Forall2_map_l {A B C} (P : C -> B -> Prop) (f : A -> C) l1 l2 :
  Forall2 P (map f l1) l2 -> Forall2 (fun x y => P (f x) y) l1 l2.
Proof.
  revert l2; induction l1 as [|a l1 IH]; intros l2 H; simpl in H; inversion H; subst; constructor; auto.
Qed.

Lemma Forall2_flip {A B} (P : A -> B -> Prop) l1 l2 : Forall2 P l1 l2 -> Forall2 (fun y x => P x y) l2 l1.
Proof. intro H; induction H; constructor; auto. Qed.

Lemma rows_length {A} r c (p : list A) : length (rows r c p) = r.
Proof. revert p; induction r as [|r IH]; intro p; simpl; auto. Qed.

Lemma rows_width {A} r c (p : list A) : (r * c <= length p)%nat -> forall w, In w (rows r c p) -> length w = c.
Proof.
  revert p; induction r as [|r IH]; intros p Hp w Hw; simpl in Hw; [contradiction|].
  destruct Hw as [<-|Hw].
  - rewrite firstn_length. simpl in Hp. lia.
  - apply (IH (skipn c p)); [rewrite skipn_length; simpl in Hp; lia|exact Hw].
Qed.

Section Cell.
  Variables (n : network) (dx h : nat).
  Hypothesis Hw : widths n = [dx; h; 1%nat].

  Lemma nbR_shape q : length q = nparams [dx; h; 1%nat] ->
    length (nbR dx h q) = h /\ length (vR dx h q) = h /\ forall wb, In wb (nbR dx h q) -> length (fst wb) = dx.
  Proof.
    intro Hq. simpl in Hq. unfold nbR, vR. split; [|split].
    - rewrite combine_length, rows_length, firstn_length, skipn_length. lia.
    - rewrite firstn_length, skipn_length. lia.
    - intros [w b] Hin. apply in_combine_l in Hin. simpl. apply (rows_width h dx q); [lia|exact Hin].
  Qed.

  (** On the cell, the output is the lifted variables against the design row. *)
  Lemma cell_out (nb : list (list Q * Q)) pc q x :
    length q = nparams [dx; h; 1%nat] -> length x = dx ->
    Forall2 (fun wb sc => piece_of (activ n) (preact wb x) = Some sc) nb pc ->
    Forall2 (same_side (breakpoints (activ n))) (map (fun wb => Q2R (preact wb x)) nb) (hidden_pre n q x) ->
    outR n dx h q x = dot (liftR (nbR dx h q) (vR dx h q) (b2R dx h q)) (map Q2R (phi pc x)).
  Proof.
    intros Hq Hx Hp Hs. destruct (nbR_shape q Hq) as [Hl1 [Hl2 Hl3]].
    unfold outR. apply lift_dot; [congruence|intros wb Hin; rewrite Hx; apply Hl3, Hin|].
    rewrite (hidden_pre_R n dx h Hw) in Hs.
    apply Forall2_map_l, Forall2_map_r, Forall2_flip in Hs.
    pose proof (Forall2_compose _ _ _ _ _ Hs Hp) as HK.
    refine (Forall2_weaken _ _ _ _ _ HK). intros wbq [s c] [wb [H1 H2]]. simpl.
    exact (piece_same _ _ _ _ _ H2 H1).
  Qed.
End Cell.
